-- CareLoop schema 0007: SMART Backend Services (issue #3). The `jti` of every client assertion accepted at
-- /auth/token, kept until the assertion expires, so a captured assertion cannot be replayed (RFC 7523 §3, SMART
-- Backend Services "jti … MUST NOT be reused"). Forward-only: never edit once merged.

CREATE TABLE client_assertion (
  client_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);

CREATE INDEX client_assertion_expiry_idx ON client_assertion (expires_at);

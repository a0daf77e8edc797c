-- CareLoop schema 0006: signed-in sessions, brute-force accounting and break-the-glass grants (issue #3).
-- Forward-only: never edit once merged.

-- The cookie carries a random token; only its SHA-256 is stored, so a database read does not yield usable sessions.
-- `stage` is how far sign-in got: 'mfa' (password ok, TOTP code still due), 'enrol' (password ok, staff account must
-- enrol a second factor first) or 'full'. Only 'full' sessions reach patient data. The CSRF token (double submit)
-- is stored hashed too.
ALTER TABLE user_session
  ADD COLUMN token_hash bytea,
  ADD COLUMN csrf_hash bytea,
  ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('mfa', 'enrol', 'full')),
  ADD COLUMN client_ip text;

CREATE UNIQUE INDEX user_session_token_key ON user_session (token_hash);

-- One row per sign-in attempt, kept for the brute-force window (ASVS 2.2.1): failures per account (by the name typed,
-- lower-cased, whether or not the account exists) and per address within the last hour.
CREATE TABLE login_attempt (
  at timestamptz NOT NULL,
  username_key text NOT NULL,
  client_ip text NOT NULL,
  succeeded boolean NOT NULL
);

CREATE INDEX login_attempt_user_idx ON login_attempt (username_key, at) WHERE NOT succeeded;
CREATE INDEX login_attempt_ip_idx ON login_attempt (client_ip, at) WHERE NOT succeeded;

-- Break-the-glass: a staff user opened a patient outside their relationships, stating why. The grant lasts until
-- `expires_at`; the privacy officer (a supervisor or administrator) reviews it.
CREATE TABLE access_grant (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id),
  patient_id text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 10 AND 1000),
  granted_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  reviewed_at timestamptz,
  reviewed_by uuid REFERENCES app_user (id),
  review_note text
);

CREATE INDEX access_grant_user_idx ON access_grant (user_id, expires_at);
CREATE INDEX access_grant_review_idx ON access_grant (granted_at) WHERE reviewed_at IS NULL;

-- Bearer tokens of integration clients (SMART Backend Services): short-lived, stored as SHA-256 only, with the scopes
-- granted when issued. The client's registered public keys (JWKS) and allowed scopes sit on its account.
ALTER TABLE app_user
  ADD COLUMN client_scopes text[] NOT NULL DEFAULT '{}',
  ADD COLUMN client_jwks jsonb;

CREATE TABLE access_token (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  scopes text[] NOT NULL,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX access_token_expiry_idx ON access_token (expires_at);

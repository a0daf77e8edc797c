-- CareLoop schema 0008: password reset by e-mail (issue #3). Accounts get an e-mail address (where reset links go);
-- each reset link's token is stored only as SHA-256, expires, and is used at most once. Forward-only.

ALTER TABLE app_user ADD COLUMN email text CHECK (email ~ '^[^@\s]+@[^@\s]+$');

CREATE TABLE password_reset (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE INDEX password_reset_user_idx ON password_reset (user_id, created_at);

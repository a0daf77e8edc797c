-- CareLoop schema 0005: user accounts and sessions (issue #3). Accounts are a platform concern, not FHIR resources:
-- each person's account links to the Practitioner, Patient or RelatedPerson that is them in the record.
-- Forward-only: never edit once merged.

CREATE TABLE app_user (
  id uuid PRIMARY KEY,
  -- unique regardless of case (see app_user_username_key); kept as typed for display
  username text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$'),
  display_name text,
  -- Practitioner/…, Patient/… or RelatedPerson/…; null for integration clients (and staff not yet linked)
  fhir_reference text CHECK (fhir_reference ~ '^(Practitioner|Patient|RelatedPerson)/[A-Za-z0-9.-]{1,64}$'),
  roles text[] NOT NULL CHECK (
    cardinality(roles) > 0
    AND array_position(roles, NULL) IS NULL
    AND roles <@ ARRAY['administrator', 'supervisor', 'care-coordinator', 'clinician', 'patient', 'proxy',
                       'integration-client']::text[]
  ),
  -- PHC-style string ($scrypt$… or $pbkdf2-sha256$…, ADR 0002); null until a password is set
  password_hash text,
  -- TOTP shared secret, sealed with AES-256-GCM under the application key (ADR 0002); set at enrolment start
  mfa_secret text,
  -- set when the user proved the authenticator works; MFA counts as enrolled only then
  mfa_enrolled_at timestamptz,
  -- the last TOTP time step accepted, so a code is never accepted twice (RFC 6238 §5.2)
  mfa_last_step integer,
  -- SHA-256 (hex) of the unused recovery codes; a code is removed when used
  recovery_code_hashes text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  deactivated_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (active = (deactivated_at IS NULL))
);

CREATE UNIQUE INDEX app_user_username_key ON app_user (lower(username));
CREATE INDEX app_user_fhir_reference_idx ON app_user (fhir_reference) WHERE fhir_reference IS NOT NULL;

-- A signed-in browser or client. Deactivating an account sets revoked_at on all its sessions in the same statement,
-- so it ends them at once; session checks must treat revoked_at IS NOT NULL or expires_at <= now as signed out.
CREATE TABLE user_session (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);

CREATE INDEX user_session_user_idx ON user_session (user_id) WHERE revoked_at IS NULL;

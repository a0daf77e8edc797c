-- CareLoop schema 0001: the FHIR resource store, its version history and its search index.
-- Forward-only: never edit once merged; add 0002_… instead.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The current version of every resource. rid is a compact surrogate key that the search index joins on.
CREATE TABLE resource (
  rid bigserial PRIMARY KEY,
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content jsonb,
  -- Patient compartment membership (ids of the Patients this resource belongs to), from CompartmentDefinition/patient.
  patients text[] NOT NULL DEFAULT '{}',
  CONSTRAINT resource_type_id UNIQUE (resource_type, id)
);
CREATE INDEX resource_type_updated ON resource (resource_type, last_updated, rid);
CREATE INDEX resource_patients ON resource USING gin (patients);

-- Every version, including the current one; a delete is a version with deleted = true and no content.
CREATE TABLE resource_version (
  rid bigint NOT NULL REFERENCES resource (rid),
  version_id integer NOT NULL,
  last_updated timestamptz NOT NULL,
  method text NOT NULL,
  content jsonb,
  PRIMARY KEY (rid, version_id)
);
CREATE INDEX resource_version_updated ON resource_version (last_updated);

-- Search index: one row per value a search parameter takes on the current version. `sp` is "Type:code"
-- (e.g. "Task:owner"). Rows are replaced in the same transaction as the write.
CREATE TABLE sp_token (
  rid bigint NOT NULL,
  sp text NOT NULL,
  system text,
  value text,
  display text
);
CREATE INDEX sp_token_value ON sp_token (sp, value, rid);
-- (rid, sp) lookups answer :not, sort keys and the second filter of a worklist query from the index alone.
CREATE INDEX sp_token_rid ON sp_token (rid, sp) INCLUDE (value, system);

CREATE TABLE sp_string (
  rid bigint NOT NULL,
  sp text NOT NULL,
  -- lower-cased, accents removed: default (starts-with) and :contains matching
  norm text NOT NULL,
  -- as written: :exact matching
  exact text NOT NULL
);
CREATE INDEX sp_string_norm ON sp_string (sp, norm text_pattern_ops);
CREATE INDEX sp_string_trgm ON sp_string USING gin (norm gin_trgm_ops);
CREATE INDEX sp_string_rid ON sp_string (rid, sp) INCLUDE (norm);

CREATE TABLE sp_date (
  rid bigint NOT NULL,
  sp text NOT NULL,
  lo timestamptz,
  hi timestamptz
);
CREATE INDEX sp_date_lo ON sp_date (sp, lo);
CREATE INDEX sp_date_hi ON sp_date (sp, hi);
CREATE INDEX sp_date_rid ON sp_date (rid, sp) INCLUDE (lo, hi);

-- number and quantity share a table: a number has no system/code.
CREATE TABLE sp_quantity (
  rid bigint NOT NULL,
  sp text NOT NULL,
  value numeric NOT NULL,
  system text,
  code text
);
CREATE INDEX sp_quantity_value ON sp_quantity (sp, value);
CREATE INDEX sp_quantity_rid ON sp_quantity (rid, sp) INCLUDE (value);

CREATE TABLE sp_reference (
  rid bigint NOT NULL,
  sp text NOT NULL,
  target_type text,
  target_id text,
  -- absolute or canonical references that do not name a local resource
  url text
);
-- INCLUDE (rid): the driving step of a search by reference (a worklist by owner) is an index-only scan.
CREATE INDEX sp_reference_target ON sp_reference (sp, target_id, target_type) INCLUDE (rid);
CREATE INDEX sp_reference_rev ON sp_reference (target_id, target_type);
CREATE INDEX sp_reference_rid ON sp_reference (rid, sp) INCLUDE (target_type, target_id);

CREATE TABLE sp_uri (
  rid bigint NOT NULL,
  sp text NOT NULL,
  value text NOT NULL
);
CREATE INDEX sp_uri_value ON sp_uri (sp, value);
CREATE INDEX sp_uri_rid ON sp_uri (rid, sp) INCLUDE (value);

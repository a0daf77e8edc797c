-- CareLoop schema 0010: cheaper writes (issue #2, ADR 0004).
--
-- sp_reference_rev (target_id, target_type) served reference lookups that did not name the search parameter; every
-- query now names it (revinclude, _has, chains, access relationships), so sp_reference_target answers them all and
-- each reference row costs one index insertion less.
DROP INDEX IF EXISTS sp_reference_rev;

-- Resource JSON above the TOAST threshold is compressed with lz4 where the server has it (PostgreSQL 14+ built with
-- lz4, as Debian's and the official images are): several times faster to compress and to read back than the default
-- pglz. Embedded PGlite has no lz4 and keeps pglz.
DO $$
BEGIN
  ALTER TABLE resource ALTER COLUMN content SET COMPRESSION lz4;
  ALTER TABLE resource_version ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  NULL;
END $$;

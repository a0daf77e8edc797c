-- CareLoop schema 0009: the content of a resource's current version is stored once, in resource.content. Its
-- resource_version row holds no content until a newer version supersedes it; then the store moves the content there
-- in the same transaction (platform/store/write.ts). Readers take the current version's content from resource.
-- Halves what a write of a new resource stores and parses. Forward-only.

UPDATE resource_version v SET content = NULL
FROM resource r
WHERE v.rid = r.rid AND v.version_id = r.version_id AND v.content IS NOT NULL;

import { preconditionFailed } from '@careloop/fhir';
import { deepEquals } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { OutcomeError } from '../errors.ts';
import type { VersionWrite } from './write.ts';

/** The resource as version `version` of `id`, stored at `lastUpdated`. */
export function stamp<T extends Resource>(resource: T, id: string, version: number, lastUpdated: string): T {
  return { ...resource, id, meta: { ...resource.meta, versionId: String(version), lastUpdated } };
}

export function write(resource: Resource, method: VersionWrite['method'], rid: number | undefined): VersionWrite {
  return {
    resourceType: resource.resourceType,
    id: resource.id as string,
    versionId: Number(resource.meta?.versionId),
    lastUpdated: resource.meta?.lastUpdated as string,
    method,
    content: resource,
    rid,
  };
}

/** Equal apart from the server-assigned meta: an update that changes nothing makes no new version. */
export function sameContent(a: Resource, b: Resource): boolean {
  const strip = (r: Resource) => {
    const { versionId: _v, lastUpdated: _l, ...meta } = r.meta ?? {};
    return { ...r, meta: Object.keys(meta).length ? meta : undefined };
  };
  return deepEquals(strip(a), strip(b));
}

/** `If-Match: W/"3"` (or `3`) must name the current version; otherwise 412 and nothing is written. */
export function checkIfMatch(ifMatch: string, currentVersion: number | undefined, deleted: boolean | undefined): void {
  const wanted = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim())?.[1];
  if (wanted === undefined)
    throw new OutcomeError(preconditionFailed('If-Match must be a version ETag like W/"1"', 'If-Match'), 412);
  if (currentVersion === undefined || deleted || Number(wanted) !== currentVersion) {
    throw new OutcomeError(preconditionFailed(`Version ${wanted} is not the current version`, 'If-Match'), 412);
  }
}

import type { Reference, Resource } from '@medplum/fhirtypes';

/** `Type/id` of a stored resource. */
export function referenceTo(resource: Pick<Resource, 'resourceType' | 'id'>): Reference {
  return { reference: `${resource.resourceType}/${resource.id}` };
}

/** Splits a relative literal reference `Type/id` (optionally `/_history/n`); undefined for anything else. */
export function parseReference(reference: string | undefined): { resourceType: string; id: string } | undefined {
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference ?? '');
  return m ? { resourceType: m[1] as string, id: m[2] as string } : undefined;
}

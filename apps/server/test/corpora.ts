import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';

/** Third-party test material beside the checkout (../shared/data); absent on machines that do not have it. */
const shared = new URL('../../../../shared/data/', import.meta.url).pathname;

/** The 206 official R4 examples, or undefined (with a warning naming `who`) when the folder is absent. */
export function r4Examples(who: string): Resource[] | undefined {
  const dir = join(shared, 'fhir-r4-examples');
  if (!existsSync(dir)) {
    console.warn(`${who}: R4 examples skipped, ${dir} is absent`);
    return undefined;
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'package.json')
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Resource);
}

/** Every resource of the first `patients` Synthea bundles (sorted by name), or undefined when they are absent. */
export function syntheaResources(who: string, patients: number): Resource[] | undefined {
  const dir = join(shared, 'synthea/bundles');
  if (!existsSync(dir)) {
    console.warn(`${who}: Synthea skipped, ${dir} is absent`);
    return undefined;
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .slice(0, patients)
    .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Bundle).entry ?? [])
    .flatMap((e) => (e.resource ? [e.resource] : []));
}

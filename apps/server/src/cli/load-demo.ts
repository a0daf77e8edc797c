import type { Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import type { Db } from '../platform/db/index.ts';
import type { Store } from '../platform/store/index.ts';
import {
  DEMO_DEFAULTS,
  generateAppointments,
  generateOrganizationResources,
  generatePatients,
  generateSchedules,
} from './seed/index.ts';

export type SeedOptions = Readonly<{
  patients: number;
  seed?: number;
  now: Date;
  onProgress?: (done: number, total: number) => void;
}>;
export type SeedSummary = Readonly<{ resources: number; created: number; unchanged: number; patients: number }>;

// Patients per transaction: a few thousand resources, so each batch is one round of statements.
const patientsPerBatch = 100;
const appointmentsPerBatch = 1000;

/**
 * Loads the demo population through the store with client ids (update-as-create), so running it again changes
 * nothing and a larger `patients` only adds the missing ones: the organisation, its Schedules as of `now`, the
 * patients, then their booked appointments.
 */
export async function loadDemoPopulation(store: Store, options: SeedOptions): Promise<SeedSummary> {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  let resources = 0;
  let created = 0;
  let unchanged = 0;
  const put = async (batch: Resource[]) => {
    const results = await store.putMany(batch);
    resources += results.length;
    created += results.filter((r) => r.outcome === 'created').length;
    unchanged += results.filter((r) => r.outcome === 'unchanged').length;
  };
  // The directory and its Schedules in one transaction: what is bookable appears all at once.
  await put([...generateOrganizationResources({ seed }), ...generateSchedules({ seed, now: options.now })]);
  let batch: Resource[] = [];
  let done = 0;
  for (const patient of generatePatients({ count: options.patients, seed, now: options.now })) {
    batch.push(...patient);
    if (++done % patientsPerBatch === 0) {
      await put(batch);
      batch = [];
      options.onProgress?.(done, options.patients);
    }
  }
  if (batch.length) await put(batch);
  // After the patients they are for; the database refuses any two that overlap for a practitioner or room.
  const appointments = generateAppointments({ seed, now: options.now, patients: options.patients });
  for (let i = 0; i < appointments.length; i += appointmentsPerBatch)
    await put(appointments.slice(i, i + appointmentsPerBatch));
  options.onProgress?.(done, options.patients);
  return { resources, created, unchanged, patients: options.patients };
}

/** True when the database holds no resources yet: `careloop start` seeds only then. */
export async function isEmpty(db: Db): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`SELECT EXISTS (SELECT 1 FROM resource) AS present`.execute(
    db.kysely,
  );
  return !rows[0]?.present;
}

import { openStore, startServer } from '../main.ts';
import { systemClock } from '../platform/clock.ts';
import { migrate } from '../platform/db/index.ts';
import { auditCommand } from './audit.ts';
import type { Command } from './command.ts';
import { createDemoAccounts } from './demo-accounts.ts';
import { exportCommand } from './export/index.ts';
import { importCommand } from './import/index.ts';
import { isEmpty, loadDemoPopulation } from './load-demo.ts';
import { outboxCommand } from './outbox.ts';
import { reindexCommand } from './reindex.ts';
import { usersCommand } from './users.ts';

/** The demo population is "as of" today: deterministic for a day, with discharges that are recent whenever it runs. */
const startOfUtcDay = () => new Date(new Date().toISOString().slice(0, 10));

const start: Command = {
  name: 'start',
  summary: 'migrate, load the demo population on an empty database, and serve HTTP',
  options: {},
  async run(config) {
    const running = await startServer(config, async (store, db) => {
      if (config.seedPatients > 0 && (await isEmpty(db))) {
        process.stdout.write(`Empty database: loading the demo population (${config.seedPatients} patients)…\n`);
        const s = await loadDemoPopulation(store, { patients: config.seedPatients, now: startOfUtcDay() });
        process.stdout.write(`Loaded ${s.resources} resources.\n`);
        const { password, logins } = await createDemoAccounts(store, db, systemClock);
        process.stdout.write(
          [
            `Demo sign-ins (POST /auth/login), password for every person: ${password}`,
            ...logins.map((l) => `  ${l.username.padEnd(12)} ${l.role.padEnd(19)} ${l.as}`),
            'Staff enrol an authenticator app (TOTP) at first sign-in. This password is shown only now.',
            '',
          ].join('\n'),
        );
      }
    });
    const db = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
    process.stdout.write(
      `CareLoop is running on ${running.url} (the workbench; FHIR API at ${running.url}/fhir/R4, database: ${db})\n`,
    );
    const stop = () => {
      running.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return -1;
  },
};

const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations',
  options: {},
  async run(config) {
    const { db } = await openStore(config);
    const applied = await migrate(db);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
    await db.close();
    return 0;
  },
};

const seed: Command = {
  name: 'seed',
  summary: 'load the deterministic demo population (--patients N, --seed S); safe to run again',
  options: { patients: { type: 'string' }, seed: { type: 'string' } },
  async run(config, values) {
    const patients = Number(values.patients ?? config.seedPatients);
    const seedValue = values.seed === undefined ? undefined : Number(values.seed);
    if (!Number.isInteger(patients) || patients < 0 || (seedValue !== undefined && !Number.isInteger(seedValue))) {
      process.stderr.write('--patients and --seed take whole numbers\n');
      return 2;
    }
    const { db, store } = await openStore(config);
    const started = performance.now();
    const s = await loadDemoPopulation(store, {
      patients,
      now: startOfUtcDay(),
      ...(seedValue === undefined ? {} : { seed: seedValue }),
      onProgress: (done, total) => process.stderr.write(`\r${done}/${total} patients`),
    });
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write('\n');
    process.stdout.write(
      `${s.patients} patients: ${s.resources} resources (${s.created} created, ${s.unchanged} unchanged) in ${seconds.toFixed(1)} s\n`,
    );
    await db.close();
    return 0;
  },
};

export const commands: readonly Command[] = [
  start,
  migrateCommand,
  seed,
  importCommand,
  exportCommand,
  reindexCommand,
  auditCommand,
  usersCommand,
  outboxCommand,
];

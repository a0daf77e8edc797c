import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Db, Tables } from './create-db.ts';

const migrationsDir = join(import.meta.dirname, '../../../migrations');

// Any fixed number shared by every replica: the advisory lock that lets one of them migrate at a time.
const migrationLock = 7_263_001;

type Migration = Readonly<{ version: string; script: string }>;

function migrationFiles(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), script: readFileSync(join(migrationsDir, f), 'utf8') }));
}

async function appliedVersions(db: Kysely<Tables>): Promise<Set<string>> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migration (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
    db,
  );
  const { rows } = await sql<{ version: string }>`SELECT version FROM schema_migration`.execute(db);
  return new Set(rows.map((r) => r.version));
}

/** Versions of the forward-only migrations not yet applied (for `/readyz`: reads only, takes no DDL lock). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const { rows } = await sql<{ version: string }>`
    SELECT version FROM schema_migration`
    .execute(db.kysely)
    .catch(() => ({ rows: [] }));
  const applied = new Set(rows.map((r) => r.version));
  return migrationFiles()
    .map((m) => m.version)
    .filter((v) => !applied.has(v));
}

/** Applies pending migrations in order, each in its own transaction, under an advisory lock so replicas can race. */
export async function migrate(db: Db): Promise<string[]> {
  const done: string[] = [];
  await db.kysely.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${migrationLock})`.execute(conn);
    try {
      const applied = await appliedVersions(conn);
      for (const m of migrationFiles()) {
        if (applied.has(m.version)) continue;
        await conn.transaction().execute(async (tx) => {
          for (const statement of splitStatements(m.script)) await sql.raw(statement).execute(tx);
          await sql`INSERT INTO schema_migration (version) VALUES (${m.version})`.execute(tx);
        });
        done.push(m.version);
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${migrationLock})`.execute(conn);
    }
  });
  return done;
}

/** Splits a migration on lines that end with `;` (our migrations keep `$$` bodies free of such lines). */
function splitStatements(script: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of script.split('\n')) {
    if (/^\s*--/.test(line)) continue;
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollar = !inDollar;
    if (!inDollar && /;\s*$/.test(line)) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

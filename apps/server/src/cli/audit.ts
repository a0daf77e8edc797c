import type { Config } from '../config.ts';
import { openStore } from '../main.ts';
import { accountingOfDisclosures, searchAuditEvents, verifyAuditChain } from '../platform/audit/index.ts';
import type { Db } from '../platform/db/index.ts';
import type { Command, Values } from './command.ts';

const usage = `Usage:
  careloop audit verify
  careloop audit search [--patient P] [--agent A] [--action C|R|U|D|E] [--subtype S] [--from T] [--to T]
                        [--sort asc|desc] [--count N] [--offset N]
  careloop audit disclosures <patientId> [--from T] [--to T]
`;

type Io = Readonly<{ stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }>;

const str = (v: Values[string]) => (typeof v === 'string' ? v : undefined);
const isInstant = (v: string | undefined) => v === undefined || !Number.isNaN(Date.parse(v));

/**
 * `careloop audit …` without the process around it. Exit codes: 0 done (verify: chain intact), 1 verify found a
 * broken chain, 2 bad usage.
 */
export async function runAuditCli(db: Db, values: Values, positionals: string[], io: Io): Promise<number> {
  const [sub, ...args] = positionals;
  const from = str(values.from);
  const to = str(values.to);
  if (!isInstant(from) || !isInstant(to)) {
    io.stderr.write('careloop audit: --from and --to take ISO instants (2026-01-31T00:00:00Z)\n');
    return 2;
  }
  const range = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  if (sub === 'verify' && args.length === 0) {
    const r = await verifyAuditChain(db.kysely);
    if (r.ok) {
      io.stdout.write(`audit trail intact: ${r.checked} records checked\n`);
      return 0;
    }
    io.stdout.write(
      `audit trail BROKEN at record ${r.firstBad?.seq}: ${r.firstBad?.reason} (${r.checked} records valid before it)\n`,
    );
    return 1;
  }
  if (sub === 'disclosures' && args.length === 1 && args[0]) {
    io.stdout.write(await accountingOfDisclosures(db.kysely, args[0], range));
    return 0;
  }
  if (sub === 'search' && args.length === 0) {
    const count = Number(str(values.count) ?? 50);
    const offset = Number(str(values.offset) ?? 0);
    const sort = str(values.sort) ?? 'desc';
    if (!Number.isInteger(count) || !Number.isInteger(offset) || (sort !== 'asc' && sort !== 'desc')) {
      io.stderr.write('careloop audit search: --count/--offset take whole numbers, --sort asc or desc\n');
      return 2;
    }
    const filters = Object.fromEntries(
      (['patient', 'agent', 'action', 'subtype'] as const).flatMap((k) =>
        str(values[k]) ? [[k, str(values[k])]] : [],
      ),
    );
    const page = await searchAuditEvents(db.kysely, { ...filters, ...range, sort, count, offset });
    for (const e of page.events) {
      const who = e.agent?.find((a) => a.requestor)?.who;
      const patients = (e.entity ?? []).filter((x) => x.role?.code === '1').map((x) => x.what?.reference);
      io.stdout.write(
        `${[e.id, e.recorded, who?.reference ?? who?.display ?? '-', e.action, e.subtype?.[0]?.code, e.outcome, patients.join(' ') || '-'].join('\t')}\n`,
      );
    }
    io.stdout.write(`${page.events.length} of ${page.total} matching records\n`);
    return 0;
  }
  io.stderr.write(usage);
  return 2;
}

/** `careloop audit verify | search | disclosures`. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the audit chain, search audit records, or print a patient’s accounting of disclosures (CSV)',
  options: {
    patient: { type: 'string' },
    agent: { type: 'string' },
    action: { type: 'string' },
    subtype: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    sort: { type: 'string' },
    count: { type: 'string' },
    offset: { type: 'string' },
  },
  async run(config: Config, values, positionals) {
    const { db } = await openStore(config);
    try {
      return await runAuditCli(db, values, positionals, { stdout: process.stdout, stderr: process.stderr });
    } finally {
      await db.close();
    }
  },
};

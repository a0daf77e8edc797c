import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isStoredType } from '../../platform/store/index.ts';

/** A file to import, in the order it will be read. */
export type ImportFile = Readonly<{ path: string; kind: 'ndjson' | 'json'; gzip: boolean; size: number }>;

export type FileList = Readonly<{
  files: readonly ImportFile[];
  skipped: readonly Readonly<{ file: string; reason: string }>[];
  missing: readonly string[];
}>;

/**
 * The files named on the command line, folders expanded recursively, referenced types
 * (Organization, Practitioner, Patient…) first and then in code-point order. NDJSON files must be named for the resource type they hold (`Patient.ndjson`,
 * `Observation-2.ndjson.gz`, as Bulk Data output is); other files, such as `log.ndjson`, are skipped.
 */
export async function listFiles(paths: readonly string[]): Promise<FileList> {
  const files: ImportFile[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const missing: string[] = [];
  const visit = async (path: string): Promise<void> => {
    const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (!info) {
      missing.push(path);
      return;
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).sort(byLoadOrder);
      for (const name of names) await visit(join(path, name));
      return;
    }
    const verdict = classify(basename(path));
    if (typeof verdict === 'string') skipped.push({ file: path, reason: verdict });
    else files.push({ path, ...verdict, size: info.size });
  };
  for (const path of paths) await visit(path);
  return { files, skipped, missing };
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Types that others point at (often conditionally, by identifier) load first, so those references can resolve.
const referencedFirst = [
  'Organization',
  'Location',
  'Practitioner',
  'PractitionerRole',
  'Patient',
  'RelatedPerson',
  'Medication',
  'Device',
];

function loadRank(name: string): number {
  const i = referencedFirst.indexOf(/^[A-Z][A-Za-z]*/.exec(name)?.[0] ?? '');
  return i < 0 ? referencedFirst.length : i;
}

/** Referenced types first, then code-point order: the same order on every machine and locale. */
const byLoadOrder = (a: string, b: string) => loadRank(a) - loadRank(b) || byCodePoint(a, b);

/** How to read a file, or why it is skipped. */
export function classify(name: string): Pick<ImportFile, 'kind' | 'gzip'> | string {
  if (name.startsWith('.')) return 'hidden file';
  const gzip = name.endsWith('.gz');
  const bare = gzip ? name.slice(0, -3) : name;
  if (bare.endsWith('.json') && !gzip) return { kind: 'json', gzip: false };
  if (!bare.endsWith('.ndjson') && !bare.endsWith('.jsonl')) return 'not an .ndjson or .json file';
  const type = /^[A-Z][A-Za-z]*/.exec(bare)?.[0];
  if (!type || !isStoredType(type)) return 'NDJSON file name does not start with a resource type';
  return { kind: 'ndjson', gzip };
}

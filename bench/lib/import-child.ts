/**
 * Child process of the ingest benchmark: `careloop import` of the given folders through `importPaths`, with the
 * store opened exactly as the CLI opens it (DATABASE_URL / CARELOOP_DATA_DIR from the environment). Prints one JSON
 * line per progress report (`{"r": resources, "t": ms}`) and a last line with the summary, so the parent can time
 * slices of the run and sample this process's peak RSS on its own.
 */
import { importPaths } from '../../apps/server/src/cli/import/index.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { openStore } from '../../apps/server/src/main.ts';

const config = loadConfig();
const { db, store } = await openStore(config);
try {
  const summary = await importPaths(store, process.argv.slice(2), {
    baseUrl: config.baseUrl,
    onProgress: (p) => process.stdout.write(`${JSON.stringify({ r: p.resources, t: p.elapsedMs })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ summary: { ...summary, errors: summary.errors.slice(0, 5) } })}\n`);
} finally {
  await db.close();
}

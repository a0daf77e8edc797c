import { type EngineName, freshTarget } from './engines.ts';
import { closedLoop, httpClient } from './http-load.ts';
import { startServer } from './server.ts';
import { note } from './stats.ts';
import { cloneText, type SyntheaPopulation } from './synthea.ts';

export type HttpIngestResult = Readonly<{
  engine: EngineName;
  clients: number;
  bundles: number;
  resources: number;
  ms: number;
  /** Resources per second. */
  rate: number;
  /** VmHWM of the server process at the end of the run. */
  peakRss: number | undefined;
  p50BundleMs: number;
}>;

/**
 * POSTs clones 0…clones-1 of every Synthea transaction Bundle to a freshly started server on an empty database with
 * `clients` concurrent clients (closed loop, bounded by `maxMs`). Bodies are made before the clock starts.
 */
export async function httpIngest(
  population: SyntheaPopulation,
  engine: EngineName,
  clones: number,
  clients: number,
  maxMs: number,
): Promise<HttpIngestResult> {
  const bodies: { text: string; resources: number }[] = [];
  for (let k = 0; k < clones; k++) {
    const cache = new Map<string, string>();
    for (const b of population.bundles) bodies.push({ text: cloneText(b, k, cache), resources: entryCount(b) });
  }
  const target = await freshTarget(engine);
  const server = await startServer({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  const client = httpClient(server.url, clients, server.token);
  try {
    note(`${engine}: HTTP transaction ingest, ${clients} clients, ${bodies.length} bundles`);
    const run = await closedLoop({
      clients,
      maxOps: bodies.length,
      maxMs,
      op: async (i) => {
        const body = bodies[i] as { text: string; resources: number };
        const res = await client.send('POST', '/fhir/R4', body.text);
        if (res.status !== 200)
          throw new Error(`transaction answered ${res.status}: ${res.body.toString().slice(0, 600)}`);
        return body.resources;
      },
    });
    if (run.errors.length) throw run.errors[0];
    const resources = run.results.reduce((a, b) => a + b, 0);
    return {
      engine,
      clients,
      bundles: run.ops,
      resources,
      ms: run.elapsedMs,
      rate: resources / (run.elapsedMs / 1000),
      peakRss: server.peakRss(),
      p50BundleMs: run.latenciesMs[Math.floor(run.latenciesMs.length / 2)] ?? Number.NaN,
    };
  } finally {
    client.close();
    await server.stop();
    await target.dispose();
  }
}

const entryCount = (bundleText: string): number => (bundleText.match(/"fullUrl":/g) ?? []).length;

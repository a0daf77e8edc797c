import { Agent, request } from 'node:http';

export type HttpResponse = Readonly<{ status: number; body: Buffer }>;

/** A keep-alive HTTP/1.1 client for loopback benchmarks, with at most `sockets` connections, sending `token` if any. */
export function httpClient(baseUrl: string, sockets: number, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const base = new URL(baseUrl);
  const send = (
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/fhir+json', 'content-length': String(Buffer.byteLength(body)) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  return { send, close: () => agent.destroy() };
}

export type LoadOptions<T> = Readonly<{
  /** Concurrent workers (each one request in flight at a time). */
  clients: number;
  /** Stop after this many operations in all... */
  maxOps: number;
  /** ...or this many milliseconds, whichever comes first. */
  maxMs: number;
  /** Operation number i (0-based); returns what to add to `done` (e.g. resources written), or throws. */
  op(i: number): Promise<T>;
}>;

export type LoadResult<T> = Readonly<{
  ops: number;
  elapsedMs: number;
  latenciesMs: Float64Array;
  results: T[];
  errors: unknown[];
}>;

/**
 * Closed-loop load: `clients` workers each take the next operation number and run it until `maxOps` are taken or
 * `maxMs` has passed. Latencies are sorted ascending. Bounded in count and time by construction.
 */
export async function closedLoop<T>(options: LoadOptions<T>): Promise<LoadResult<T>> {
  const latencies: number[] = [];
  const results: T[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const start = performance.now();
  const deadline = start + options.maxMs;
  const worker = async () => {
    while (next < options.maxOps && performance.now() < deadline && errors.length < 20) {
      const i = next++;
      const t0 = performance.now();
      try {
        results.push(await options.op(i));
        latencies.push(performance.now() - t0);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, worker));
  const elapsedMs = performance.now() - start;
  const sorted = Float64Array.from(latencies).sort();
  return { ops: latencies.length, elapsedMs, latenciesMs: sorted, results, errors };
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Paths that are the API's, never the web app's: an unknown one there stays a FHIR 404. */
const API = /^\/(fhir|auth|admin|worklist\/events|\.well-known|metrics|healthz|readyz)(\/|$)/;

const NOT_BUILT =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CareLoop</title></head><body><main><h1>CareLoop</h1>' +
  '<p>The web workbench is not built. <code>npm start</code> builds it; <code>npm run build -w @careloop/web</code> ' +
  'builds it alone.</p><p>The FHIR API is at <code>/fhir/R4</code>.</p></main></body></html>';

/**
 * Serves the built web workbench (apps/web/dist) at `/`: its hashed assets cached for a year, `index.html` never
 * cached, and any other page address a browser asks for answered with the app (client-side routes), under a content
 * security policy that allows only this origin. Without a build (`WEB_DIR` holds no index.html) a page says how to
 * build it (`npm start` does).
 */
export async function registerWorkbench(app: FastifyInstance, dir: string): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: dir, serve: false });
  const headers = {
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  app.get('/*', async (request, reply) => {
    const path = (request.url.split('?')[0] ?? '/').replace(/\/+$/, '') || '/';
    reply.headers(headers);
    if (!built && !API.test(path) && (request.headers.accept ?? '').includes('text/html'))
      return reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT);
    if (!built) return reply.callNotFound();
    if (path.startsWith('/assets/') && /^\/assets\/[\w.-]+$/.test(path))
      return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(path.slice(1));
    if (API.test(path) || !(request.headers.accept ?? '').includes('text/html')) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}

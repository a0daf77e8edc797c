import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { hasChromium } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The production build the journeys test (null without chromium: they skip). */
    webDir: string | null;
  }
}

/**
 * Once before the journeys: the production build, into a directory of its own so that a build elsewhere (`npm start`,
 * another run) cannot change it underneath. Each journey file starts its own CareLoop serving it (journey.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasChromium) {
    project.provide('webDir', null);
    return async () => undefined;
  }
  const webDir = mkdtempSync(join(tmpdir(), 'careloop-web-'));
  await build({
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'warn',
    build: { outDir: webDir, emptyOutDir: true },
  });
  project.provide('webDir', webDir);
  return async () => {
    rmSync(webDir, { recursive: true, force: true });
  };
}

import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The journeys test the production build, as `npm start` serves it: built once before they run. */
export default async function setup(): Promise<void> {
  await build({ root: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn' });
}

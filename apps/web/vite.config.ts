import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The workbench is served by the CareLoop server from apps/web/dist (same origin: session cookie, CSRF header).
// `vite` alone serves it for development, with the API proxied to a server on :8080.
const api = 'http://127.0.0.1:8080';
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/fhir': api, '/auth': api, '/worklist': api, '/admin': api } },
});

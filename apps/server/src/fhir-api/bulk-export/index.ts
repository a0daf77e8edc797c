export { compartmentTypes, defaultTypes, parseInstant, parseTypes } from './request.ts';
export { type BulkExportDeps, bulkExportRoutes } from './routes.ts';
export { registerBulkExportWorker, runExport } from './run-export.ts';
export { writeNdjsonExport } from './write-ndjson.ts';

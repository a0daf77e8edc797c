export { importCommand, runImportCli } from './command.ts';
export { importPaths } from './import-paths.ts';

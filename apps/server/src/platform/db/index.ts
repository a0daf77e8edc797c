export { createDb, type Db, type Tables } from './create-db.ts';
export { migrate, pendingMigrations } from './migrate.ts';

export { openDatabase, type Database, type DatabaseOptions, type SqlEngine } from './database.ts';
export { migrateToLatest, type NamedMigrations } from './migrations.ts';
export { nowIso, newId, newTimeOrderedId, isUniqueViolation, engineOf } from './values.ts';

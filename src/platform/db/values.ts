import { randomUUID } from 'node:crypto';
import { type Kysely, PostgresAdapter } from 'kysely';

export const nowIso = (at: number = Date.now()): string => new Date(at).toISOString();
export const newId = (): string => randomUUID();

/** Both engines report a unique-constraint failure differently; callers only need "it clashed". */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Which engine a Kysely instance talks to, for the few places where SQL dialects differ. */
export const engineOf = (db: Kysely<unknown>): 'sqlite' | 'postgres' => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite');

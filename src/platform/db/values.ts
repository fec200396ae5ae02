import { randomFillSync, randomUUID } from 'node:crypto';
import { type Kysely, PostgresAdapter } from 'kysely';

export const nowIso = (at: number = Date.now()): string => new Date(at).toISOString();
export const newId = (): string => randomUUID();

const entropy = Buffer.alloc(16 * 256);
let entropyUsed = entropy.length;

/**
 * A UUID (version 7) that starts with the time in milliseconds: ids made one after another sort
 * together, so a unique index on them grows at its end instead of touching a random page per row.
 */
export function newTimeOrderedId(at: number = Date.now()): string {
  // Random bytes come from a pool refilled 256 ids at a time, as randomUUID does.
  if (entropyUsed === entropy.length) {
    randomFillSync(entropy);
    entropyUsed = 0;
  }
  const bytes = Buffer.from(entropy.subarray(entropyUsed, (entropyUsed += 16)));
  for (let i = 0, t = at; i < 6; i++, t = Math.floor(t / 256)) bytes[5 - i] = t % 256;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Both engines report a unique-constraint failure differently; callers only need "it clashed". */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Which engine a Kysely instance talks to, for the few places where SQL dialects differ. */
export const engineOf = (db: Kysely<unknown>): 'sqlite' | 'postgres' => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite');

import { type Generated, type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import { type SqlEngine, engineOf, newTimeOrderedId, nowIso } from '../db/index.ts';
import { retryDelaySec } from '../jobs/index.ts';

export interface DomainEvent<P = unknown> {
  id: string;
  seq: number;
  type: string;
  /** Ordering key: events with one key are delivered in the order they were written. */
  key: string;
  payload: P;
  createdAt: string;
}

type OutboxRow = { seq: Generated<number>; id: string; type: string; key: string; payload: string; created_at: string };
type OutboxTables = { outbox: OutboxRow; outbox_cursors: { subscriber: string; last_seq: number } };

export interface NewEvent {
  type: string;
  key: string;
  payload: unknown;
}

/** Writes events in the caller's transaction: they exist exactly when the change they describe does. */
export async function appendEvents(tx: Kysely<object>, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const now = nowIso();
  // One statement whatever the number of events: the rows travel as one JSON parameter (the
  // statement text never changes, so it is compiled once), in order (`n`), so `seq` follows it.
  const rows = JSON.stringify(events.map((e) => ({ id: newTimeOrderedId(), type: e.type, key: e.key, payload: JSON.stringify(e.payload), created_at: now })));
  const source =
    engineOf(tx) === 'postgres'
      ? sql`rows from (jsonb_to_recordset(${rows}::jsonb) as (id text, type text, key text, payload text, created_at text)) with ordinality as j(id, type, key, payload, created_at, n)`
      : sql`(select value ->> '$.id' as id, value ->> '$.type' as type, value ->> '$.key' as key, value ->> '$.payload' as payload, value ->> '$.created_at' as created_at, json_each.key as n from json_each(${rows})) as j`;
  await sql`insert into outbox (id, type, key, payload, created_at) select id, type, key, payload, created_at from ${source} order by n`.execute(tx);
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface Subscriber {
  name: string;
  /** Event types it wants; others are skipped (and count as delivered). */
  types: readonly string[];
  handle: EventHandler;
}

export interface OutboxRelay {
  /** Delivers everything pending now; resolves when every subscriber is caught up or blocked. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Delivers outbox events to each subscriber at least once, in `seq` order. A subscriber that
 * fails is retried with backoff and holds its own position (so order is kept); others go on.
 * Subscribers must be idempotent: after a crash, the last batch may be delivered again.
 */
export function startOutboxRelay(o: { db: Kysely<object>; engine: SqlEngine; subscribers: Subscriber[]; log: Logger; pollMs?: number; batch?: number }): OutboxRelay {
  const db = o.db.withTables<OutboxTables>();
  const pollMs = o.pollMs ?? 200;
  const batch = o.batch ?? 500;
  const blockedUntil = new Map<string, { until: number; failures: number }>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const cursorOf = async (name: string): Promise<number> => {
    const row = await db.selectFrom('outbox_cursors').select('last_seq').where('subscriber', '=', name).executeTakeFirst();
    if (row) return Number(row.last_seq);
    await db.insertInto('outbox_cursors').values({ subscriber: name, last_seq: 0 }).onConflict((oc) => oc.column('subscriber').doNothing()).execute();
    return 0;
  };

  const deliverTo = async (s: Subscriber): Promise<boolean> => {
    const blocked = blockedUntil.get(s.name);
    if (blocked && blocked.until > Date.now()) return false;
    const after = await cursorOf(s.name);
    const rows = await db.selectFrom('outbox').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute();
    if (rows.length === 0) return false;
    let last = after;
    try {
      for (const r of rows) {
        if (s.types.includes(r.type)) {
          await s.handle({ id: r.id, seq: Number(r.seq), type: r.type, key: r.key, payload: JSON.parse(r.payload), createdAt: r.created_at });
        }
        last = Number(r.seq);
      }
      blockedUntil.delete(s.name);
    } catch (err) {
      const failures = (blocked?.failures ?? 0) + 1;
      blockedUntil.set(s.name, { until: Date.now() + retryDelaySec(failures, 0.2, 30) * 1000, failures });
      o.log.warn({ err, subscriber: s.name, failures }, 'event subscriber failed; will retry from the same event');
    } finally {
      if (last > after) await db.updateTable('outbox_cursors').set({ last_seq: last }).where('subscriber', '=', s.name).execute();
    }
    return rows.length === batch && !blockedUntil.has(s.name);
  };

  let lastPrune = Date.now();
  const cycle = async (): Promise<void> => {
    for (const s of o.subscribers) while (!stopped && (await deliverTo(s)));
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      await pruneDelivered(o.db);
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = cycle()
        .catch((err: unknown) => o.log.error({ err }, 'outbox relay cycle failed'))
        .finally(schedule);
    }, pollMs);
  };
  schedule();

  return {
    async drain() {
      await running;
      await cycle();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Deletes events every subscriber has seen, keeping the outbox small. A minute of a busy API is
 * hundreds of thousands of events: they go `chunk` at a time, each delete a short statement, so
 * the requests served between them (and on SQLite, other processes' writes) wait for none of them long.
 */
export async function pruneDelivered(db: Kysely<object>, chunk = 5_000): Promise<number> {
  const d = db.withTables<OutboxTables>();
  const min = await d.selectFrom('outbox_cursors').select(sql<number>`min(last_seq)`.as('m')).executeTakeFirst();
  if (!min || min.m === null) return 0;
  const upTo = Number(min.m);
  let deleted = 0;
  for (;;) {
    const oldest = await d.selectFrom('outbox').select(sql<number>`min(seq)`.as('s')).executeTakeFirst();
    if (!oldest || oldest.s === null || Number(oldest.s) > upTo) return deleted;
    const res = await d.deleteFrom('outbox').where('seq', '<=', Math.min(upTo, Number(oldest.s) + chunk - 1)).executeTakeFirst();
    deleted += Number(res.numDeletedRows);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

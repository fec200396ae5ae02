import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupCommit } from './groupCommit.ts';

type Update = { key: string; at: number; value: number };
const latest = (a: Update, b: Update) => (b.at >= a.at ? b : a);

test('coalesces by key, keeping what merge chooses, and writes once per batch', async () => {
  const writes: Update[][] = [];
  const gc = groupCommit<Update>({ keyOf: (u) => u.key, merge: latest, write: async (items) => void writes.push(items), maxDelayMs: 5 });
  await Promise.all([
    gc.submit({ key: 'a', at: 1, value: 1 }),
    gc.submit({ key: 'a', at: 3, value: 3 }),
    gc.submit({ key: 'a', at: 2, value: 2 }),
    gc.submit({ key: 'b', at: 1, value: 9 }),
  ]);
  assert.deepEqual(writes, [[{ key: 'a', at: 3, value: 3 }, { key: 'b', at: 1, value: 9 }]]);
});

test('a full batch flushes at once; callers wait for their own write', async () => {
  let written = 0;
  const gc = groupCommit<Update>({ keyOf: (u) => u.key, merge: latest, write: async (items) => void (written += items.length), maxBatch: 3, maxDelayMs: 10_000 });
  const p = Promise.all([1, 2, 3].map((i) => gc.submit({ key: `k${i}`, at: i, value: i })));
  await p;
  assert.equal(written, 3);
  assert.equal(gc.pending, 0);
});

test('a failed write rejects every caller in that batch, and later batches still write', async () => {
  let fail = true;
  const gc = groupCommit<Update>({
    keyOf: (u) => u.key,
    merge: latest,
    write: async () => {
      if (fail) throw new Error('disk full');
    },
  });
  const results = await Promise.allSettled([gc.submit({ key: 'a', at: 1, value: 1 }), gc.submit({ key: 'b', at: 1, value: 1 })]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  fail = false;
  await gc.submit({ key: 'a', at: 2, value: 2 });
});

test('flush writes what is pending and batches never overtake each other', async () => {
  const order: number[] = [];
  const gc = groupCommit<Update>({
    keyOf: (u) => u.key,
    merge: latest,
    write: async (items) => {
      await new Promise((r) => setTimeout(r, items[0]!.value === 1 ? 20 : 0));
      order.push(items[0]!.value);
    },
    maxBatch: 1,
  });
  const a = gc.submit({ key: 'a', at: 1, value: 1 });
  const b = gc.submit({ key: 'a', at: 2, value: 2 });
  await gc.flush();
  await Promise.all([a, b]);
  assert.deepEqual(order, [1, 2]);
});

test('what arrives during a write waits for it and goes out together in the next write', async () => {
  const writes: number[][] = [];
  const gc = groupCommit<Update>({
    keyOf: (u) => u.key,
    merge: latest,
    write: async (items) => {
      writes.push(items.map((u) => u.value));
      await new Promise((r) => setTimeout(r, 30));
    },
    maxBatch: 2,
    maxDelayMs: 1,
  });
  const first = gc.submit({ key: 'a', at: 1, value: 1 });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(writes.length, 1, 'the first write is under way');
  const later = [2, 3, 4, 5].map((i) => gc.submit({ key: `k${i}`, at: i, value: i }));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(gc.pending, 4, 'neither the delay nor a full batch starts a second write meanwhile');
  await Promise.all([first, ...later]);
  assert.deepEqual(writes, [[1], [2, 3, 4, 5]]);
});

test('with no delay, what is submitted in one turn of the event loop goes out in one write', async () => {
  const writes: number[][] = [];
  const gc = groupCommit<Update>({ keyOf: (u) => u.key, merge: latest, write: async (items) => void writes.push(items.map((u) => u.value)), maxDelayMs: 0 });
  const firstTurn = [1, 2, 3].map((i) => gc.submit({ key: `k${i}`, at: i, value: i }));
  await Promise.all(firstTurn);
  await gc.submit({ key: 'k4', at: 4, value: 4 });
  assert.deepEqual(writes, [[1, 2, 3], [4]]);
});

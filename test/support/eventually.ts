import assert from 'node:assert/strict';

/** Waits until `check` holds, for work that follows from events (an index catching up with catalog changes). */
export async function eventually(check: () => Promise<boolean>, what: string, withinMs = 3000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`not within ${withinMs / 1000} s: ${what}`);
}

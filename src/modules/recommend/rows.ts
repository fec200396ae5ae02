import type { HomeRow } from './homeRows.ts';

/** Rows a viewer sees without scrolling: no title may appear twice among them. */
export const FIRST_SCREEN_ROWS = 4;
export const MAX_ROW = 40;

/** Rows whose items are fixed facts (what you were watching, your list, the country's Top 10): never thinned. */
const ANCHORED = new Set<HomeRow['kind']>(['continue_watching', 'my_list', 'top10']);

const DAY_MS = 86_400_000;

export interface RowSignals {
  /** The profile has told us something (watched, rated, listed, picked). */
  personal: boolean;
  /** When it last added to My List. */
  lastListAddAt: number | undefined;
  /** Genre name to the weight of liked titles carrying it. */
  affinity: ReadonlyMap<string, number>;
  now: number;
}

/**
 * How high a row sits for this profile. Continue Watching leads; a profile with history gets its
 * picks and "Because you watched" rows spread between the popular ones; someone who just saved
 * titles finds My List near the top; genre rows follow the genres it watches most. A profile with
 * no history starts with what is popular where it is.
 */
export function rowPriority(row: HomeRow, s: RowSignals, becauseIndex: number): number {
  const recentList = s.lastListAddAt !== undefined && s.now - s.lastListAddAt < 7 * DAY_MS;
  const totalAffinity = [...s.affinity.values()].reduce((a, b) => a + b, 0) || 1;
  switch (row.kind) {
    case 'continue_watching':
      return 100;
    case 'top_picks':
      return 90;
    case 'because_you_watched':
      return [85, 66, 52][becauseIndex] ?? 40;
    case 'my_list':
      return recentList ? 88 : 45;
    case 'popular':
      return s.personal ? 75 : 95;
    case 'top10':
      return s.personal ? 70 : 94;
    case 'new':
      return s.personal ? 55 : 93;
    case 'genre':
      return (s.personal ? 30 : 20) + 30 * ((s.affinity.get(row.title) ?? 0) / totalAffinity);
  }
}

/** Rows in this profile's order (stable for equal priorities). */
export function orderHomeRows(rows: readonly HomeRow[], s: RowSignals): HomeRow[] {
  let because = 0;
  const scored = rows.map((row, i) => ({ row, i, p: rowPriority(row, s, row.kind === 'because_you_watched' ? because++ : 0) }));
  return scored.sort((a, b) => b.p - a.p || a.i - b.i).map((x) => x.row);
}

/** A trimmed row earns a first-screen place only if this many of its titles (or all, if fewer) are new there. */
export const MIN_FRESH = 6;

/**
 * No title twice in the first screen, keeping the profile's order as far as possible. Rows are
 * placed in order: a row whose titles are fixed (Continue Watching, My List, Top 10) goes in only if
 * none of its titles is already on the screen; another row drops the titles already there and goes
 * in if enough remain. A row that does not fit waits just below the first screen, unchanged.
 */
export function dedupeFirstScreen(input: readonly HomeRow[], screen = FIRST_SCREEN_ROWS): HomeRow[] {
  const rows = input.filter((r) => r.items.length > 0);
  const shown = new Set<string>();
  const first: HomeRow[] = [];
  const waiting: HomeRow[] = [];
  let i = 0;
  for (; i < rows.length && first.length < screen; i++) {
    const r = rows[i]!;
    const fresh = r.items.filter((t) => !shown.has(t.id));
    const fits = ANCHORED.has(r.kind) ? fresh.length === r.items.length : fresh.length >= Math.min(MIN_FRESH, r.items.length);
    if (!fits) {
      waiting.push(r);
      continue;
    }
    first.push(fresh.length === r.items.length ? r : { ...r, items: fresh });
    for (const t of fresh) shown.add(t.id);
  }
  return [...first, ...waiting, ...rows.slice(i)];
}

/** Whether any title appears twice among the first `screen` rows. */
export function firstScreenRepeats(rows: readonly HomeRow[], screen = FIRST_SCREEN_ROWS): string[] {
  const seen = new Set<string>();
  const repeats: string[] = [];
  for (const r of rows.slice(0, screen)) {
    for (const t of r.items) {
      if (seen.has(t.id)) repeats.push(t.id);
      seen.add(t.id);
    }
  }
  return repeats;
}

/** Ranking metrics with binary relevance, as in the offline evaluation protocol. */

export function recallAt(k: number, ranked: string[], relevant: Set<string>): number {
  if (relevant.size === 0) return 0;
  const hits = ranked.slice(0, k).filter((id) => relevant.has(id)).length;
  return hits / Math.min(k, relevant.size);
}

const discount = (rank: number) => 1 / Math.log2(rank + 2);

export function ndcgAt(k: number, ranked: string[], relevant: Set<string>): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  ranked.slice(0, k).forEach((id, rank) => {
    if (relevant.has(id)) dcg += discount(rank);
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(k, relevant.size); rank++) ideal += discount(rank);
  return dcg / ideal;
}

/** Share of the catalog that appears in at least one list. */
export function catalogCoverage(lists: Iterable<string[]>, catalogSize: number): number {
  const shown = new Set<string>();
  for (const list of lists) for (const id of list) shown.add(id);
  return catalogSize === 0 ? 0 : shown.size / catalogSize;
}

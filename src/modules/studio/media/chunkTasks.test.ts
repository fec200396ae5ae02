import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChunkEncodeSettings } from './chunkArgs.ts';
import { planChunkTasks, rungGroups, SPLIT_BY_CODEC_BELOW_CHUNKS, taskCost } from './chunkTasks.ts';

const chunkRange = (n: number) => [...Array(n).keys()];
import { fixedLadder, withSecondCodec } from './ladder.ts';

const settingsFor = (rungs: ChunkEncodeSettings['rungs']): ChunkEncodeSettings => ({ rungs, fps: 24, segmentSec: 4, preset: 'veryfast', crf: 23 });
const h264Only = fixedLadder({ width: 1920, height: 1080 });
const withVp9 = withSecondCodec(h264Only, 2);

test('rungGroups: one group per codec, H.264 first, in rung order', () => {
  const cases: Array<{ name: string; rungs: ChunkEncodeSettings['rungs']; groups: number[][] }> = [
    { name: 'H.264 only', rungs: h264Only, groups: [h264Only.map((_, i) => i)] },
    { name: 'two VP9 rungs after six H.264', rungs: withVp9, groups: [[0, 1, 2, 3, 4, 5], [6, 7]] },
    { name: 'one rung', rungs: h264Only.slice(0, 1), groups: [[0]] },
  ];
  for (const c of cases) assert.deepEqual(rungGroups(c.rungs), c.groups, c.name);
});

test('planChunkTasks: every (chunk, codec) unit once, costliest first, ties in source order', () => {
  const cases: Array<{ name: string; durationSec: number; rungs: ChunkEncodeSettings['rungs']; chunkSec?: number; order: Array<[number, string]> }> = [
    // 5 s in 4 s segments: chunks of 4 s and 1 s; VP9 at 1080p and 720p costs less than all six H.264 rungs.
    { name: 'short clip, two codecs', durationSec: 5, rungs: withVp9, order: [[0, 'h264'], [0, 'vp9'], [1, 'h264'], [1, 'vp9']] },
    { name: 'short clip, H.264 only', durationSec: 5, rungs: h264Only, order: [[0, 'h264'], [1, 'h264']] },
    // 12 s in 4 s chunks: equal chunks keep their order; the last one is the same length.
    { name: 'equal chunks', durationSec: 12, rungs: h264Only, chunkSec: 4, order: [[0, 'h264'], [1, 'h264'], [2, 'h264']] },
    { name: 'a short last chunk goes last', durationSec: 9, rungs: h264Only, chunkSec: 4, order: [[0, 'h264'], [1, 'h264'], [2, 'h264']] },
    // Seven chunks are few enough to split by codec; eight are not (one unit a chunk, every rung).
    { name: 'seven chunks, two codecs', durationSec: 28, rungs: withVp9, chunkSec: 4, order: [...chunkRange(7).map((i): [number, string] => [i, 'h264']), ...chunkRange(7).map((i): [number, string] => [i, 'vp9'])] },
    { name: 'eight chunks, two codecs', durationSec: 32, rungs: withVp9, chunkSec: 4, order: chunkRange(8).map((i): [number, string] => [i, 'h264']) },
  ];
  for (const c of cases) {
    const tasks = planChunkTasks(c.durationSec, settingsFor(c.rungs), c.chunkSec);
    assert.deepEqual(tasks.map((t) => [t.chunk.index, c.rungs[t.rungIndices[0]!]!.codec ?? 'h264']), c.order, c.name);
    const costs = tasks.map(taskCost);
    assert.deepEqual(costs, [...costs].sort((a, b) => b - a), `${c.name}: costliest first`);
  }
});

test('planChunkTasks: each unit covers its chunk of the source, and together they cover every rung of every chunk', () => {
  const cases = [
    { durationSec: 10, unitsPerChunk: 2, spans: ['0:4', '4:4', '8:2'] },
    { durationSec: 4 * SPLIT_BY_CODEC_BELOW_CHUNKS - 2, unitsPerChunk: 1, spans: [...chunkRange(SPLIT_BY_CODEC_BELOW_CHUNKS - 1).map((i) => `${4 * i}:4`), `${4 * SPLIT_BY_CODEC_BELOW_CHUNKS - 4}:2`] },
  ];
  for (const c of cases) {
    const tasks = planChunkTasks(c.durationSec, settingsFor(withVp9), 4);
    const chunks = [...new Set(tasks.map((t) => t.chunk.index))].sort((a, b) => a - b);
    assert.deepEqual(chunks, chunkRange(c.spans.length));
    for (const index of chunks) {
      const mine = tasks.filter((t) => t.chunk.index === index);
      assert.equal(mine.length, c.unitsPerChunk);
      assert.deepEqual(mine.flatMap((t) => t.rungIndices).sort((a, b) => a - b), withVp9.map((_, i) => i));
      assert.equal(new Set(mine.map((t) => t.expectedSec)).size, 1);
    }
    assert.deepEqual([...new Set(tasks.map((t) => `${t.chunk.startSec}:${t.expectedSec}`))].sort(), [...c.spans].sort());
  }
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planChunks, type ChunkPlanInput } from './chunkPlan.ts';

/** [start, duration] per chunk; null duration: to the end. */
type Spans = Array<[number, number | null]>;

describe('planChunks', () => {
  const cases: Array<{ name: string; input: ChunkPlanInput; want: Spans }> = [
    { name: '6 s clip, 4 s segments: 2 segments, 2 chunks', input: { durationSec: 6, segmentSec: 4 }, want: [[0, 4], [4, null]] },
    { name: '10 s clip: 3 segments, 2 chunks, the longer first', input: { durationSec: 10, segmentSec: 4 }, want: [[0, 8], [8, null]] },
    { name: 'a clip of one segment stays whole', input: { durationSec: 3, segmentSec: 4 }, want: [[0, null]] },
    { name: 'exactly one segment stays whole', input: { durationSec: 4, segmentSec: 4 }, want: [[0, null]] },
    { name: 'probe rounding just past a boundary adds no segment', input: { durationSec: 8.000001, segmentSec: 4 }, want: [[0, 4], [4, null]] },
    { name: 'just past a boundary by a frame adds one', input: { durationSec: 8.04, segmentSec: 4 }, want: [[0, 8], [8, null]] },
    { name: '2 min: 30 s chunks', input: { durationSec: 120, segmentSec: 4 }, want: [[0, 32], [32, 32], [64, 28], [92, null]] },
    { name: '60 s in 6 s segments: 5 per chunk', input: { durationSec: 60, segmentSec: 6 }, want: [[0, 30], [30, null]] },
    { name: 'minChunks 1 keeps a short clip whole', input: { durationSec: 20, segmentSec: 4, minChunks: 1 }, want: [[0, null]] },
    { name: 'minChunks 4 on 5 segments', input: { durationSec: 20, segmentSec: 4, minChunks: 4 }, want: [[0, 8], [8, 4], [12, 4], [16, null]] },
    { name: 'more chunks wanted than segments: one per segment', input: { durationSec: 9, segmentSec: 4, minChunks: 5 }, want: [[0, 4], [4, 4], [8, null]] },
    { name: 'target shorter than a segment: one segment each', input: { durationSec: 12, segmentSec: 4, targetChunkSec: 1 }, want: [[0, 4], [4, 4], [8, null]] },
    { name: 'fractional segments stay clean', input: { durationSec: 1, segmentSec: 0.1, targetChunkSec: 0.3 }, want: [[0, 0.3], [0.3, 0.3], [0.6, 0.2], [0.8, null]] },
  ];
  for (const { name, input, want } of cases) {
    test(name, () => {
      const chunks = planChunks(input);
      assert.deepEqual(chunks.map((c) => [c.startSec, c.durationSec]), want);
      assert.deepEqual(chunks.map((c) => c.index), want.map((_, i) => i));
    });
  }

  test('chunks tile the source on segment boundaries, each a whole number of segments', () => {
    for (const durationSec of [1, 4, 7.5, 31, 64, 300, 3600.2]) {
      for (const segmentSec of [2, 4, 6]) {
        const chunks = planChunks({ durationSec, segmentSec });
        assert.equal(chunks[0]!.startSec, 0);
        assert.equal(chunks.at(-1)!.durationSec, null);
        for (const [i, c] of chunks.entries()) {
          assert.ok(Number.isInteger(c.startSec / segmentSec), `${durationSec}/${segmentSec}: chunk ${i} starts on a boundary`);
          if (c.durationSec !== null) {
            assert.ok(Number.isInteger(c.durationSec / segmentSec) && c.durationSec > 0, `chunk ${i} is whole segments`);
            assert.equal(chunks[i + 1]!.startSec, c.startSec + c.durationSec, 'no gap, no overlap');
          }
        }
        assert.ok(chunks.at(-1)!.startSec < durationSec, 'the last chunk has something to encode');
      }
    }
  });

  test('rejects nonsense', () => {
    assert.throws(() => planChunks({ durationSec: 0, segmentSec: 4 }), RangeError);
    assert.throws(() => planChunks({ durationSec: 10, segmentSec: 0 }), RangeError);
    assert.throws(() => planChunks({ durationSec: 10, segmentSec: 4, targetChunkSec: -1 }), RangeError);
    assert.throws(() => planChunks({ durationSec: 10, segmentSec: 4, minChunks: 0 }), RangeError);
  });
});

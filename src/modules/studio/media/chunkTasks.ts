/**
 * The units of work of a chunked ladder encode. Pure: table-tested.
 *
 * A unit is one chunk of the source encoded to its rungs. A short title, with only a few chunks,
 * is split by codec as well as by time, which keeps both cores busy: the H.264 rungs and the VP9
 * rungs of one chunk cost about the same, and each unit's encoders are single-threaded
 * (chunkArgs.ts). That decodes each chunk twice, which a longer title, with chunks enough for
 * every worker, does not pay: one decode for all rungs of a chunk took 12 % less CPU on the AV1
 * clip, about the same on H.264 (docs/benchmarks.md, "Decoding each chunk once").
 */
import type { ChunkEncodeSettings } from './chunkArgs.ts';
import { planChunks, type ChunkSpan } from './chunkPlan.ts';
import type { Rung, VideoCodec } from './ladder.ts';

/** One unit of work; plain JSON, so it can travel in a job payload. */
export interface ChunkTask {
  chunk: ChunkSpan;
  settings: ChunkEncodeSettings;
  /** Which of settings.rungs this unit encodes (each file is chunkRungFile(rung index)). */
  rungIndices: number[];
  /** How much of the source the chunk should hold (for progress and the decode check). */
  expectedSec: number;
}

/** Titles with fewer chunks than this are split by codec too. */
export const SPLIT_BY_CODEC_BELOW_CHUNKS = 8;

/**
 * CPU per pixel against x264 veryfast, single-threaded (docs/benchmarks.md, "Encode speed"):
 * libvpx realtime at cpu-used 6 took 0.75-1.1x x264's time on the 1080p clips.
 */
const RELATIVE_COST: Record<VideoCodec, number> = { h264: 1, vp9: 0.9 };

/** The rung indices of each codec, H.264 first (its unit's duration is the chunk's: encodeChunks.ts). */
export function rungGroups(rungs: readonly Rung[]): number[][] {
  const byCodec = new Map<VideoCodec, number[]>([['h264', []]]);
  rungs.forEach((r, i) => {
    const codec = r.codec ?? 'h264';
    byCodec.set(codec, [...(byCodec.get(codec) ?? []), i]);
  });
  return [...byCodec.values()].filter((g) => g.length > 0);
}

/** Relative CPU cost of a unit: seconds x pixels x codec cost, summed over its rungs. */
export function taskCost(task: Pick<ChunkTask, 'rungIndices' | 'expectedSec' | 'settings'>): number {
  return task.rungIndices.reduce((sum, i) => {
    const r = task.settings.rungs[i]!;
    return sum + task.expectedSec * r.width * r.height * RELATIVE_COST[r.codec ?? 'h264'];
  }, 0);
}

/**
 * Every unit of a source, costliest first: workers take them in this order, and starting the
 * long ones first (longest-processing-time order) leaves the short ones to even out the end.
 * Ties keep source order, so the plan is the same on every machine.
 */
export function planChunkTasks(durationSec: number, settings: ChunkEncodeSettings, targetChunkSec?: number): ChunkTask[] {
  const chunks = planChunks({ durationSec, segmentSec: settings.segmentSec, ...(targetChunkSec ? { targetChunkSec } : {}) });
  const groups = chunks.length < SPLIT_BY_CODEC_BELOW_CHUNKS ? rungGroups(settings.rungs) : [settings.rungs.map((_, i) => i)];
  const tasks = chunks.flatMap((chunk) =>
    groups.map((rungIndices) => ({
      chunk,
      settings,
      rungIndices,
      expectedSec: chunk.durationSec ?? Math.max(0, durationSec - chunk.startSec),
    })),
  );
  return tasks
    .map((task, order) => ({ task, order, cost: taskCost(task) }))
    .sort((a, b) => b.cost - a.cost || a.order - b.order)
    .map((x) => x.task);
}

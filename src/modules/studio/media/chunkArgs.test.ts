import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkArgs, chunkRungFile, CHUNK_ENCODER_THREADS, type ChunkArgsInput } from './chunkArgs.ts';
import { fixedLadder, withSecondCodec } from './ladder.ts';
import { concatList, packageArgs, type PackageArgsInput } from './packageArgs.ts';

const valueOf = (args: string[], flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const allValuesOf = (args: string[], flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
/** The args of each output file: from after the previous output path (or the filter) to its path. */
function outputs(args: string[]): string[][] {
  const start = args.indexOf('-filter_complex') + 2;
  const groups: string[][] = [];
  let current: string[] = [];
  for (const a of args.slice(start)) {
    current.push(a);
    if (a.endsWith('.mp4')) {
      groups.push(current);
      current = [];
    }
  }
  return groups;
}

const rungs = withSecondCodec(fixedLadder({ width: 1280, height: 720 }), 2);
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i).join(',');
const h264Count = rungs.filter((r) => (r.codec ?? 'h264') === 'h264').length;
const videoSets = `id=0,streams=${ids(0, h264Count)} id=1,streams=${ids(h264Count, rungs.length)}`;
const base: ChunkArgsInput = {
  input: '/data/in.mp4',
  chunk: { index: 1, startSec: 32, durationSec: 28 },
  settings: { rungs, fps: 25, segmentSec: 4, preset: 'veryfast', crf: 23, videoStreamIndex: 0 },
  rungIndices: rungs.map((_, i) => i),
  outDir: '/work/chunk-00001',
};

test('chunkArgs: an accurate seek to the chunk, its length, one decode split per rung', () => {
  const args = chunkArgs(base);
  assert.equal(valueOf(args, '-ss'), '32');
  assert.equal(valueOf(args, '-t'), '28');
  assert.ok(args.indexOf('-ss') < args.indexOf('-i') && args.indexOf('-t') < args.indexOf('-i'), 'seek and length are input options');
  assert.equal(allValuesOf(args, '-i').length, 1);
  const filter = valueOf(args, '-filter_complex')!.split(';');
  assert.equal(filter[0], `[0:0]split=${rungs.length}${rungs.map((_, i) => `[s${i}]`).join('')}`);
  rungs.forEach((r, i) => assert.equal(filter[i + 1], `[s${i}]scale=${r.width}:${r.height},setsar=1,format=yuv420p[v${i}]`));
});

test('chunkArgs: the last chunk runs to the end; the first starts at 0', () => {
  assert.equal(valueOf(chunkArgs({ ...base, chunk: { index: 2, startSec: 60, durationSec: null } }), '-t'), undefined);
  assert.equal(valueOf(chunkArgs({ ...base, chunk: { index: 0, startSec: 0, durationSec: 32 } }), '-ss'), '0');
});

test('chunkArgs: one video-only MP4 per rung with the ladder encoder settings, fixed threads and segment keyframes', () => {
  const groups = outputs(chunkArgs(base));
  assert.equal(groups.length, rungs.length);
  groups.forEach((g, i) => {
    const r = rungs[i]!;
    assert.equal(g.at(-1), `/work/chunk-00001/${chunkRungFile(i)}`);
    assert.equal(valueOf(g, '-map'), `[v${i}]`);
    assert.equal(allValuesOf(g, '-map').length, 1, 'video only');
    const vp9 = r.codec === 'vp9';
    assert.equal(valueOf(g, '-c:v:0'), vp9 ? 'libvpx-vp9' : 'libx264');
    assert.equal(valueOf(g, '-b:v:0'), `${r.videoKbps}k`);
    assert.equal(valueOf(g, '-threads:v:0'), String(vp9 ? CHUNK_ENCODER_THREADS.vp9 : CHUNK_ENCODER_THREADS.h264));
    assert.equal(valueOf(g, '-g'), '100');
    assert.equal(valueOf(g, '-keyint_min'), '100');
    assert.equal(valueOf(g, '-sc_threshold'), '0');
    assert.equal(valueOf(g, '-force_key_frames'), 'expr:gte(t,n_forced*4)');
    assert.equal(valueOf(g, '-f'), 'mp4');
  });
});

test('chunkArgs: a unit of some rungs encodes just those, each to its own rung file', () => {
  const vp9 = rungs.flatMap((r, i) => (r.codec === 'vp9' ? [i] : []));
  const args = chunkArgs({ ...base, rungIndices: vp9 });
  const filter = valueOf(args, '-filter_complex')!.split(';');
  assert.equal(filter[0], `[0:0]split=${vp9.length}${vp9.map((_, i) => `[s${i}]`).join('')}`);
  const groups = outputs(args);
  assert.deepEqual(groups.map((g) => g.at(-1)), vp9.map((i) => `/work/chunk-00001/${chunkRungFile(i)}`));
  assert.deepEqual(groups.map((g) => valueOf(g, '-c:v:0')), vp9.map(() => 'libvpx-vp9'));
  assert.equal(filter[1], `[s0]scale=${rungs[vp9[0]!]!.width}:${rungs[vp9[0]!]!.height},setsar=1,format=yuv420p[v0]`);
});

test('chunkArgs: sources above 60 fps are reduced as in the single encode', () => {
  const args = chunkArgs({ ...base, settings: { ...base.settings, fps: 120 } });
  assert.match(valueOf(args, '-filter_complex')!, /^\[0:0\]fps=60,split=/);
  assert.equal(valueOf(outputs(args)[0]!, '-g'), '240');
});

test('chunkArgs rejects nonsense', () => {
  assert.throws(() => chunkArgs({ ...base, rungIndices: [] }), RangeError);
  assert.throws(() => chunkArgs({ ...base, rungIndices: [rungs.length] }), RangeError);
  assert.throws(() => chunkArgs({ ...base, chunk: { index: 0, startSec: -1, durationSec: 4 } }), RangeError);
  assert.throws(() => chunkArgs({ ...base, chunk: { index: 0, startSec: 0, durationSec: 0 } }), RangeError);
  assert.throws(() => chunkArgs({ ...base, settings: { ...base.settings, fps: 0 } }), RangeError);
});

const pkg: PackageArgsInput = {
  rungLists: rungs.map((_, i) => `/work/rung-${i}.ffconcat`),
  rungs,
  source: '/data/in.mp4',
  audioTracks: [{ index: 1, channels: 2, language: 'eng' }],
  segmentSec: 4,
  outDir: '/data/out',
};

test('packageArgs: each rung is its chunks joined and copied; audio from the source; one dash output', () => {
  const args = packageArgs(pkg);
  assert.deepEqual(allValuesOf(args, '-i'), [...pkg.rungLists, '/data/in.mp4']);
  assert.equal(allValuesOf(args, '-f').filter((f) => f === 'concat').length, rungs.length);
  const maps = allValuesOf(args, '-map');
  assert.deepEqual(maps.slice(0, rungs.length), rungs.map((_, i) => `${i}:v:0`));
  assert.equal(maps.length, rungs.length + 1, 'then the one stereo audio output');
  assert.match(valueOf(args, '-filter_complex')!, new RegExp(`^\\[${rungs.length}:1\\]`), 'audio is read from the source input');
  assert.equal(valueOf(args, '-c:v'), 'copy');
  rungs.forEach((r, i) => assert.equal(valueOf(args, `-b:v:${i}`), `${r.videoKbps}k`, 'advertised bandwidth'));
  assert.equal(valueOf(args, '-seg_duration'), '4');
  assert.equal(valueOf(args, '-adaptation_sets'), `${videoSets} id=2,streams=${rungs.length}`);
  assert.equal(args.at(-1), '/data/out/manifest.mpd');
});

test('packageArgs: without audio the source is not opened', () => {
  const args = packageArgs({ ...pkg, audioTracks: [] });
  assert.deepEqual(allValuesOf(args, '-i'), pkg.rungLists);
  assert.equal(valueOf(args, '-filter_complex'), undefined);
  assert.equal(valueOf(args, '-adaptation_sets'), videoSets);
});

test('packageArgs rejects a list per rung mismatch', () => {
  assert.throws(() => packageArgs({ ...pkg, rungLists: pkg.rungLists.slice(1) }), RangeError);
});

test('concatList quotes paths for ffconcat and states the durations it is given', () => {
  assert.equal(concatList([{ path: '/a/b.mp4', durationSec: 4.004004 }, { path: "/it's/c.mp4" }]), "ffconcat version 1.0\nfile '/a/b.mp4'\nduration 4.004004\nfile '/it'\\''s/c.mp4'\n");
  assert.throws(() => concatList([]), RangeError);
  assert.throws(() => concatList([{ path: '/a.mp4', durationSec: 0 }]), RangeError);
});

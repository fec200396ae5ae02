import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptationSets, ladderArgs, outputFps, type LadderArgsInput } from './encodeArgs.ts';
import { fixedLadder, withSecondCodec } from './ladder.ts';

/** The value following `flag` (the first occurrence). */
function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function allValuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

const base: LadderArgsInput = {
  input: '/data/in.mp4',
  outDir: '/data/out',
  rungs: fixedLadder({ width: 1280, height: 720 }),
  durationSec: 32,
  fps: 25,
  audioTracks: [{ index: 1, channels: 2, language: 'eng' }],
};

test('ladderArgs: one decode split into one scaled, yuv420p branch per rung', async (t) => {
  const cases: Array<[string, { width: number; height: number }]> = [
    ['720p', { width: 1280, height: 720 }],
    ['scope 1920x818', { width: 1920, height: 818 }],
    ['small 320x240', { width: 320, height: 240 }],
    ['portrait', { width: 720, height: 1280 }],
  ];
  for (const [name, source] of cases) {
    await t.test(name, () => {
      const rungs = fixedLadder(source);
      const args = ladderArgs({ ...base, rungs });
      assert.equal(allValuesOf(args, '-i').length, 1, 'the source is opened once');
      const filter = valueOf(args, '-filter_complex')!;
      const parts = filter.split(';');
      assert.match(parts[0]!, new RegExp(`^\\[0:v:0\\]split=${rungs.length}(\\[s\\d\\])+$`));
      rungs.forEach((r, i) => {
        assert.equal(parts[i + 1], `[s${i}]scale=${r.width}:${r.height},setsar=1,format=yuv420p[v${i}]`);
        assert.equal(valueOf(args, `-b:v:${i}`), `${r.videoKbps}k`);
        assert.equal(valueOf(args, `-maxrate:v:${i}`), `${r.maxrateKbps}k`);
        assert.equal(valueOf(args, `-bufsize:v:${i}`), `${r.bufsizeKbps}k`);
      });
      assert.deepEqual(allValuesOf(args, '-map'), [...rungs.map((_, i) => `[v${i}]`), '[aout0]']);
      rungs.forEach((_, i) => assert.equal(valueOf(args, `-c:v:${i}`), 'libx264'));
      assert.equal(valueOf(args, '-pix_fmt'), 'yuv420p');
    });
  }
});

test('ladderArgs: GOP, keyframes and segment length agree', async (t) => {
  const cases: Array<[number, number, string]> = [
    // fps, segmentSec, expected GOP (frames)
    [25, 4, '100'],
    [24, 4, '96'],
    [30, 4, '120'],
    [30000 / 1001, 4, '120'],
    [24000 / 1001, 4, '96'],
    [24.1, 4, '97'], // rounded up so x264's own keyframe never lands just before the forced one
    [60, 2, '120'],
    [25, 6, '150'],
  ];
  for (const [fps, segmentSec, gop] of cases) {
    await t.test(`${fps.toFixed(3)} fps, ${segmentSec} s segments`, () => {
      const args = ladderArgs({ ...base, fps, segmentSec });
      assert.equal(valueOf(args, '-g'), gop);
      assert.equal(valueOf(args, '-keyint_min'), gop);
      assert.equal(valueOf(args, '-sc_threshold'), '0');
      assert.equal(valueOf(args, '-force_key_frames'), `expr:gte(t,n_forced*${segmentSec})`);
      assert.equal(valueOf(args, '-seg_duration'), String(segmentSec));
    });
  }
});

test('ladderArgs: high frame rates are divided down to at most 60 fps', async (t) => {
  const cases: Array<[number, number, string]> = [
    // source fps, encoded fps, GOP at 4 s
    [60, 60, '240'],
    [50, 50, '200'],
    [120, 60, '240'],
    [100, 50, '200'],
    [240, 60, '240'],
    [90, 45, '180'],
    [120000 / 1001, 60000 / 1001, '240'],
  ];
  for (const [fps, expected, gop] of cases) {
    await t.test(`${fps.toFixed(2)} fps`, () => {
      assert.ok(Math.abs(outputFps(fps) - expected) < 1e-9);
      const args = ladderArgs({ ...base, fps });
      assert.equal(valueOf(args, '-g'), gop);
      const filter = valueOf(args, '-filter_complex')!;
      if (expected < fps) assert.match(filter, new RegExp(`^\\[0:v:0\\]fps=${Number(expected.toFixed(6))},split=`));
      else assert.match(filter, /^\[0:v:0\]split=/);
    });
  }
});

test('ladderArgs: CMAF via the dash muxer with an HLS master over the same segments', () => {
  const args = ladderArgs(base);
  assert.equal(valueOf(args, '-f'), 'dash');
  assert.equal(valueOf(args, '-use_template'), '1');
  assert.equal(valueOf(args, '-use_timeline'), '0');
  assert.equal(valueOf(args, '-hls_playlist'), '1');
  assert.equal(valueOf(args, '-adaptation_sets'), `id=0,streams=v id=1,streams=${base.rungs.length}`);
  assert.equal(valueOf(args, '-progress'), 'pipe:1');
  assert.ok(args.includes('-nostats') && args.includes('-nostdin'));
  assert.equal(args.at(-1), '/data/out/manifest.mpd');
  assert.equal(valueOf(args, '-dash_segment_type'), 'mp4', 'VP9 in fragmented MP4 too, not WebM');
  assert.equal(valueOf(args, '-preset:v:0'), 'veryfast');
  assert.equal(valueOf(args, '-crf:v:0'), '23', 'capped CRF');
});

test('ladderArgs: each audio track after the video, in its own adaptation set (audioArgs), or none', async (t) => {
  const n = base.rungs.length;
  const cases: Array<[string, LadderArgsInput['audioTracks'], string[], string]> = [
    ['one stereo track', [{ index: 1, channels: 2, language: 'eng' }], ['[aout0]'], `id=0,streams=v id=1,streams=${n}`],
    ['stereo + 5.1', [{ index: 1, channels: 2, language: 'eng' }, { index: 2, channels: 6, language: 'fra' }], ['[aout0]', '[aout1]', '[aout2]'], `id=0,streams=v id=1,streams=${n} id=2,streams=${n + 1} id=3,streams=${n + 2}`],
    ['no audio', [], [], 'id=0,streams=v'],
  ];
  for (const [name, audioTracks, maps, sets] of cases) {
    await t.test(name, () => {
      const args = ladderArgs({ ...base, audioTracks });
      assert.deepEqual(allValuesOf(args, '-map').slice(n), maps);
      assert.equal(valueOf(args, '-adaptation_sets'), sets);
      maps.forEach((_, k) => assert.equal(valueOf(args, `-c:${n + k}`), 'aac'));
      assert.equal(valueOf(args, '-filter_complex')!.split(';').length, n + 1 + maps.length, 'audio chains join the video graph');
    });
  }
});

test('ladderArgs: options', () => {
  const args = ladderArgs({ ...base, preset: 'superfast', crf: 20, videoStreamIndex: 2, audioTracks: [{ index: 5, channels: 2 }], threadsPerRung: 2 });
  assert.equal(valueOf(args, '-preset:v:0'), 'superfast');
  assert.equal(valueOf(args, '-crf:v:0'), '20');
  assert.match(valueOf(args, '-filter_complex')!, /^\[0:2\]split=/);
  assert.match(valueOf(args, '-filter_complex')!, /;\[0:5\]aformat=channel_layouts=stereo,/);
  assert.equal(valueOf(args, '-threads:v'), '2');
  assert.equal(ladderArgs(base).includes('-threads:v'), false);
});

test('ladderArgs: a per-title rung brings its own CRF', () => {
  const rungs = fixedLadder({ width: 1280, height: 720 }).map((r, i) => ({ ...r, crf: 20 + i }));
  const args = ladderArgs({ ...base, rungs });
  rungs.forEach((r, i) => assert.equal(valueOf(args, `-crf:v:${i}`), String(r.crf)));
});

test('ladderArgs: VP9 rungs get libvpx-vp9 (realtime, cpu-used 6), their own adaptation set, and no x264 options', () => {
  const rungs = withSecondCodec(fixedLadder({ width: 1280, height: 720 }), 2);
  const h264 = rungs.filter((r) => (r.codec ?? 'h264') === 'h264');
  const vp9 = rungs.filter((r) => r.codec === 'vp9');
  assert.equal(vp9.length, 2);
  assert.deepEqual(vp9.map((r) => r.height), [720, 480], 'the two largest rungs');
  assert.deepEqual(rungs.slice(0, h264.length), h264, 'H.264 rungs keep their places');
  const args = ladderArgs({ ...base, rungs });
  rungs.forEach((r, i) => {
    const isVp9 = r.codec === 'vp9';
    assert.equal(valueOf(args, `-c:v:${i}`), isVp9 ? 'libvpx-vp9' : 'libx264');
    assert.equal(args.includes(`-preset:v:${i}`), !isVp9);
    assert.equal(args.includes(`-profile:v:${i}`), !isVp9);
    assert.equal(valueOf(args, `-b:v:${i}`), `${r.videoKbps}k`);
    if (isVp9) {
      assert.equal(valueOf(args, `-deadline:v:${i}`), 'realtime');
      assert.equal(valueOf(args, `-cpu-used:v:${i}`), '6');
      assert.equal(valueOf(args, `-row-mt:v:${i}`), '1');
      assert.ok(r.videoKbps < h264.find((h) => h.height === r.height)!.videoKbps, 'fewer bits than H.264 at the same size');
    }
  });
  const ids = (from: number, n: number) => Array.from({ length: n }, (_, k) => from + k).join(',');
  assert.equal(valueOf(args, '-adaptation_sets'), `id=0,streams=${ids(0, h264.length)} id=1,streams=${ids(h264.length, 2)} id=2,streams=${rungs.length}`);
  assert.equal(valueOf(args, '-dash_segment_type'), 'mp4');
});

test('adaptationSets: one video set per codec', () => {
  const r = fixedLadder({ width: 1280, height: 720 });
  assert.deepEqual(adaptationSets(r), ['id=0,streams=v']);
  assert.deepEqual(adaptationSets(withSecondCodec(r.slice(0, 3), 1)), ['id=0,streams=0,1,2', 'id=1,streams=3']);
});

test('ladderArgs rejects nonsense', () => {
  assert.throws(() => ladderArgs({ ...base, rungs: [] }), RangeError);
  assert.throws(() => ladderArgs({ ...base, fps: 0 }), RangeError);
  assert.throws(() => ladderArgs({ ...base, durationSec: Number.NaN }), RangeError);
  assert.throws(() => ladderArgs({ ...base, segmentSec: 0 }), RangeError);
  assert.throws(() => ladderArgs({ ...base, crf: 60 }), RangeError);
});

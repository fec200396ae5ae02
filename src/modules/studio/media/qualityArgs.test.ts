import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { perTitleRungs, trialSizes, withSecondCodec, fixedLadder } from './ladder.ts';
import { parsePsnr, parseVmafLog, referenceSize, sampleWindows, samplesArgs, scoreArgs, trialArgs, trialsFor, VMAF_SUBSAMPLE, wholeReferenceArgs } from './qualityArgs.ts';

const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('sampleWindows', () => {
  const cases: [number, string][] = [
    [60, '9@2 29@2 49@2'],
    [32, '4.333@2 15@2 25.667@2'],
    [6, '0.5@2 3.5@2'],
    [4, '1@2'],
    [2.5, '0@2.5'],
    [1, '0@1'],
  ];
  for (const [duration, windows] of cases) {
    test(`${duration} s`, () => {
      const got = sampleWindows(duration);
      assert.equal(got.map((w) => `${w.startSec}@${w.durationSec}`).join(' '), windows);
      for (const w of got) assert.ok(w.startSec >= 0 && w.startSec + w.durationSec <= duration + 1e-9);
    });
  }
  test('rejects a non-positive duration', () => assert.throws(() => sampleWindows(0), RangeError));
});

test('referenceSize keeps sources up to 1080 lines and brings larger ones down', () => {
  assert.deepEqual(referenceSize({ width: 640, height: 360 }), { width: 640, height: 360 });
  assert.deepEqual(referenceSize({ width: 3840, height: 2160 }), { width: 1920, height: 1080 });
  assert.deepEqual(referenceSize({ width: 2160, height: 3840 }), { width: 1080, height: 1920 });
});

test('samplesArgs seeks to each window (only the windows are decoded) and joins them losslessly at the reference size', () => {
  const args = samplesArgs({ input: 'in.mp4', out: 's.mkv', windows: sampleWindows(32), size: { width: 1280, height: 720 }, videoStreamIndex: 1 });
  const inputs = args.flatMap((a, i) => (a === '-i' ? [args.slice(i - 4, i + 2).join(' ')] : []));
  assert.deepEqual(inputs, ['-ss 4.333 -t 2 -i in.mp4', '-ss 15 -t 2 -i in.mp4', '-ss 25.667 -t 2 -i in.mp4']);
  const filter = valueOf(args, '-filter_complex')!;
  assert.match(filter, /^\[0:1\]setpts=PTS-STARTPTS\[w0\];\[1:1\]setpts=PTS-STARTPTS\[w1\];\[2:1\]setpts=PTS-STARTPTS\[w2\];/);
  assert.match(filter, /\[w0\]\[w1\]\[w2\]concat=n=3:v=1:a=0,scale=1280:720,setsar=1,format=yuv420p\[ref\]$/);
  assert.match(valueOf(samplesArgs({ input: 'in.mp4', out: 's.mkv', windows: sampleWindows(4), size: { width: 640, height: 360 } }), '-filter_complex')!, /^\[0:v:0\]setpts/);
  assert.equal(valueOf(args, '-qp'), '0');
  assert.equal(args.at(-1), 's.mkv');
});

test('trialArgs: one decode, one scaler per size, one x264 output per trial', () => {
  const trials = trialsFor([{ width: 640, height: 360 }, { width: 426, height: 240 }], [21, 33]);
  assert.deepEqual(trials.map((t) => t.file), ['trial-640x360-crf21.mp4', 'trial-640x360-crf33.mp4', 'trial-426x240-crf21.mp4', 'trial-426x240-crf33.mp4']);
  const args = trialArgs({ samples: 's.mkv', outDir: '/w', trials, preset: 'veryfast' });
  assert.equal(valueOf(args, '-filter_complex'), '[0:v]split=2[z0][z1];[z0]scale=640:360,setsar=1,split=2[t0_0][t0_1];[z1]scale=426:240,setsar=1,split=2[t1_0][t1_1]');
  assert.deepEqual(args.flatMap((a, i) => (a === '-crf' ? [args[i + 1]] : [])), ['21', '33', '21', '33']);
  assert.ok(args.includes('/w/trial-426x240-crf33.mp4'));
});

test('scoreArgs upscales the distorted clip to the reference size; VMAF with a model, PSNR without', () => {
  const vmaf = scoreArgs({ distorted: 'd.mp4', reference: 'r.mkv', size: { width: 1280, height: 720 }, modelPath: '/m/vmaf_v0.6.1.pkl', logPath: '/w/log.json' });
  const lavfi = valueOf(vmaf, '-lavfi')!;
  assert.match(lavfi, /^\[0:v\]scale=1280:720:flags=bicubic/);
  assert.match(lavfi, /libvmaf=model_path=\/m\/vmaf_v0\.6\.1\.pkl:log_fmt=json:log_path=\/w\/log\.json:n_subsample=\d+$/);
  assert.deepEqual(vmaf.filter((a) => a.endsWith('.mp4') || a.endsWith('.mkv')), ['d.mp4', 'r.mkv'], 'distorted first, reference second');
  const psnr = valueOf(scoreArgs({ distorted: 'd.mp4', reference: 'r.mkv', size: { width: 640, height: 360 }, logPath: '/w/x' }), '-lavfi')!;
  assert.match(psnr, /\[d\]\[r\]psnr$/);
});

test('scoreArgs pairs frames by index, not by timestamp (Matroska rounds them to milliseconds)', () => {
  const lavfi = valueOf(scoreArgs({ distorted: 'd.mp4', reference: 'r.mkv', size: { width: 640, height: 360 }, logPath: '/w/x' }), '-lavfi')!;
  assert.match(lavfi, /^\[0:v\][^;]*,settb=AVTB,setpts=N\[d\];\[1:v\][^;]*,settb=AVTB,setpts=N\[r\];/);
});

test('scoreArgs scores every n-th frame: VMAF_SUBSAMPLE by default, every frame on request', () => {
  const base = { distorted: 'd.mp4', reference: 'r.mkv', size: { width: 640, height: 360 }, modelPath: '/m/v.pkl', logPath: '/w/x' };
  assert.match(valueOf(scoreArgs(base), '-lavfi')!, new RegExp(`:n_subsample=${VMAF_SUBSAMPLE}$`));
  assert.match(valueOf(scoreArgs({ ...base, subsample: 1 }), '-lavfi')!, /:n_subsample=1$/);
  assert.throws(() => scoreArgs({ ...base, subsample: 0 }), RangeError);
  assert.throws(() => scoreArgs({ ...base, subsample: 1.5 }), RangeError);
});

test('wholeReferenceArgs: the chosen video stream, untrimmed, lossless at the reference size; the rate reduced only when asked', () => {
  const args = wholeReferenceArgs({ input: 'in.webm', out: 'ref.mkv', size: { width: 1920, height: 818 }, videoStreamIndex: 1 });
  assert.equal(valueOf(args, '-map'), '0:1');
  assert.equal(valueOf(args, '-vf'), 'scale=1920:818,setsar=1,format=yuv420p');
  assert.equal(valueOf(args, '-qp'), '0');
  assert.equal(args.at(-1), 'ref.mkv');
  assert.ok(!args.join(' ').includes('trim'));
  const reduced = wholeReferenceArgs({ input: 'in.mp4', out: 'ref.mkv', size: { width: 640, height: 360 }, fps: 60000 / 1001 });
  assert.equal(valueOf(reduced, '-map'), '0:v:0');
  assert.equal(valueOf(reduced, '-vf'), 'fps=59.94006,scale=640:360,setsar=1,format=yuv420p');
});

test('parseVmafLog reads libvmaf 2 pooled metrics, 1.x aggregates, or averages frames', () => {
  assert.equal(parseVmafLog(JSON.stringify({ pooled_metrics: { vmaf: { mean: 91.5 } } })), 91.5);
  assert.equal(parseVmafLog(JSON.stringify({ 'VMAF score': 88 })), 88);
  assert.equal(parseVmafLog(JSON.stringify({ version: '1.3.7', frames: [{ metrics: { vmaf: 80 } }, { metrics: { vmaf: 90 } }] })), 85);
  assert.throws(() => parseVmafLog(JSON.stringify({ frames: [] })), /no scores/);
});

test('parsePsnr reads the average, "inf" for identical pictures', () => {
  assert.equal(parsePsnr('[Parsed_psnr_1 @ 0x1] PSNR y:32.7 u:29.6 v:29.5 average:30.418248 min:29.39 max:32.04\n'), 30.418248);
  assert.equal(parsePsnr('PSNR y:inf u:inf v:inf average:inf min:inf max:inf'), 100);
  assert.throws(() => parsePsnr('nothing here'), /no PSNR/);
});

describe('per-title rungs', () => {
  test('trialSizes: the usual boxes capped by the source, never upscaled', () => {
    assert.deepEqual(trialSizes({ width: 1920, height: 1080 }).map((s) => s.height), [1080, 720, 540, 360, 240]);
    assert.deepEqual(trialSizes({ width: 1280, height: 720 }).map((s) => s.height), [720, 540, 360, 240]);
    assert.ok(trialSizes({ width: 640, height: 360 }).every((s) => s.height <= 360));
  });

  test('perTitleRungs: each chosen point at its size and CRF, advertised with headroom over the samples', () => {
    const rungs = perTitleRungs([{ width: 1280, height: 720, crf: 27, kbps: 2000, score: 94 }, { width: 640, height: 360, crf: 33, kbps: 400, score: 80 }]);
    assert.deepEqual(rungs.map((r) => [r.name, r.width, r.height, r.crf]), [['720p', 1280, 720, 27], ['360p', 640, 360, 33]]);
    assert.ok(rungs[0]!.videoKbps > 2000 && rungs[0]!.maxrateKbps === rungs[0]!.videoKbps && rungs[0]!.bufsizeKbps === 2 * rungs[0]!.videoKbps);
  });

  test('withSecondCodec: VP9 copies of the largest rungs, appended; 0 adds none', () => {
    const h264 = fixedLadder({ width: 1920, height: 1080 });
    const both = withSecondCodec(h264, 2);
    assert.equal(both.length, h264.length + 2);
    assert.deepEqual(both.slice(h264.length).map((r) => [r.codec, r.height]), [['vp9', 1080], ['vp9', 720]]);
    assert.deepEqual(withSecondCodec(h264, 0), h264);
  });
});

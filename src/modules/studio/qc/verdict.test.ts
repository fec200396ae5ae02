import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_THRESHOLDS,
  decodeCheck,
  durationCheck,
  frozenOutsideBlack,
  parseBlackdetect,
  parseFreezedetect,
  qcReport,
  qcSummary,
  qualityChecks,
  scoreAtCrf,
  stretchCheck,
  syncCheck,
  type LadderScores,
} from './verdict.ts';

describe('parsing ffmpeg detector logs', () => {
  const cases: { name: string; parse: (log: string, total: number) => unknown; log: string; expected: unknown }[] = [
    {
      name: 'blackdetect: one stretch per line',
      parse: parseBlackdetect,
      log: '[blackdetect @ 0x1] black_start:0 black_end:1.52 black_duration:1.52\n[blackdetect @ 0x1] black_start:40.04 black_end:43 black_duration:2.96',
      expected: [
        { startSec: 0, endSec: 1.52 },
        { startSec: 40.04, endSec: 43 },
      ],
    },
    { name: 'blackdetect: a stretch still open at the end closes at the total', parse: parseBlackdetect, log: '[blackdetect @ 0x1] black_start:58.2', expected: [{ startSec: 58.2, endSec: 60 }] },
    { name: 'blackdetect: nothing found', parse: parseBlackdetect, log: 'frame=  100 fps=0.0 q=-0.0 size=N/A', expected: [] },
    {
      name: 'freezedetect: start, duration and end lines pair up',
      parse: parseFreezedetect,
      log: [
        '[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 2.16',
        '[freezedetect @ 0x2] lavfi.freezedetect.freeze_duration: 1.84',
        '[freezedetect @ 0x2] lavfi.freezedetect.freeze_end: 4',
        '[blackdetect @ 0x1] black_start:4 black_end:6 black_duration:2',
        '[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 4',
        '[freezedetect @ 0x2] lavfi.freezedetect.freeze_end: 6',
      ].join('\n'),
      expected: [
        { startSec: 2.16, endSec: 4 },
        { startSec: 4, endSec: 6 },
      ],
    },
    { name: 'freezedetect: a freeze to the end of the file closes at the total', parse: parseFreezedetect, log: '[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 55', expected: [{ startSec: 55, endSec: 60 }] },
    { name: 'freezedetect: an end without a start is ignored', parse: parseFreezedetect, log: '[freezedetect @ 0x2] lavfi.freezedetect.freeze_end: 3', expected: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.parse(c.log, 60), c.expected));

  test('a frozen stretch that is mostly black is reported as black only', () => {
    const black = [{ startSec: 4, endSec: 6 }];
    const frozen = [
      { startSec: 2.16, endSec: 4 },
      { startSec: 4, endSec: 6 },
      { startSec: 3.9, endSec: 6.1 },
    ];
    assert.deepEqual(frozenOutsideBlack(frozen, black), [{ startSec: 2.16, endSec: 4 }]);
  });
});

describe('decode, duration and sync verdicts', () => {
  test('decode: clean passes; an exit code or any error line fails and quotes the first', () => {
    assert.equal(decodeCheck('720p H.264', { ok: true, errors: [] }).status, 'pass');
    const bad = decodeCheck('720p H.264', { ok: true, errors: ['[h264 @ 0x1] error while decoding MB 3 4', 'second'] });
    assert.equal(bad.status, 'fail');
    assert.match(bad.message, /error while decoding MB 3 4 \(and 1 more/);
    assert.equal(decodeCheck('audio', { ok: false, errors: [] }).status, 'fail');
  });

  const durations: { measured: number | undefined; source: number | undefined; fps: number; status: string }[] = [
    { measured: 10, source: 10, fps: 25, status: 'pass' },
    { measured: 10.08, source: 10, fps: 25, status: 'pass' }, // exactly two frames
    { measured: 10.09, source: 10, fps: 25, status: 'fail' },
    { measured: 9.95, source: 10, fps: 60, status: 'fail' }, // two frames at 60 fps is 33 ms
    { measured: 9.97, source: 10, fps: 60, status: 'pass' },
    { measured: undefined, source: 10, fps: 25, status: 'not_measured' },
    { measured: 10, source: undefined, fps: 25, status: 'not_measured' },
  ];
  for (const d of durations) {
    test(`duration ${d.measured} against ${d.source} at ${d.fps} fps: ${d.status}`, () => {
      assert.equal(durationCheck('x', d.measured, d.source, d.fps).status, d.status);
    });
  }

  const span = (startSec: number, endSec: number, lastFrameSec?: number) => ({ startSec, endSec, ...(lastFrameSec ? { lastFrameSec } : {}) });
  const syncs: { name: string; out: { video: ReturnType<typeof span>; audio: ReturnType<typeof span> }; src?: { video: ReturnType<typeof span>; audio: ReturnType<typeof span> }; status: string; ms: number }[] = [
    { name: 'in step', out: { video: span(0, 10), audio: span(0, 10.011) }, src: { video: span(0, 10), audio: span(0, 10) }, status: 'pass', ms: 11 },
    { name: 'audio 200 ms late', out: { video: span(0, 10), audio: span(0.2, 10.2) }, src: { video: span(0, 10), audio: span(0.2, 10.2) }, status: 'fail', ms: 200 },
    { name: 'audio 50 ms early', out: { video: span(0.05, 10), audio: span(0, 10) }, status: 'fail', ms: 50 },
    { name: 'audio running on past the picture in the source is not drift', out: { video: span(0, 10), audio: span(0, 12) }, src: { video: span(0, 10), audio: span(0, 12.01) }, status: 'pass', ms: 10 },
    { name: 'AAC priming and a padded last frame (43 ms) are not drift', out: { video: span(0, 16), audio: span(0, 16.0427, 0.0213) }, src: { video: span(0, 16), audio: span(0, 16) }, status: 'pass', ms: 21 },
    { name: 'past the padded last frame is drift', out: { video: span(0, 10), audio: span(0, 10.08, 0.0213) }, src: { video: span(0, 10), audio: span(0, 10) }, status: 'fail', ms: 59 },
    { name: 'audio stretched by the encode', out: { video: span(0, 10), audio: span(0, 10.06) }, src: { video: span(0, 10), audio: span(0, 10) }, status: 'fail', ms: 60 },
  ];
  for (const s of syncs) {
    test(`sync: ${s.name}`, () => {
      const c = syncCheck(s.out, s.src);
      assert.equal(c.status, s.status, c.message);
      assert.equal(Math.round(c.measured!), s.ms);
    });
  }
});

describe('quality verdicts', () => {
  const points = [
    { width: 1280, height: 720, crf: 27, score: 93 },
    { width: 640, height: 360, crf: 30, score: 80 },
  ];
  const rungs = [
    { name: '720p', width: 1280, height: 720, codec: 'avc1.64001f', videoKbps: 3000, crf: 27, score: 92.1 },
    { name: '360p', width: 640, height: 360, codec: 'avc1.64001e', videoKbps: 800, crf: 30, score: 70 },
    { name: '720p', width: 1280, height: 720, codec: 'vp09.00.31.08', videoKbps: 2400, crf: 44, score: 88 },
    { name: '360p', width: 640, height: 360, codec: 'vp09.00.21.08', videoKbps: 640, crf: 47, score: 74 },
  ];
  const perTitle: LadderScores = { mode: 'per-title', metric: 'vmaf', points, rungs };

  test('each rung against the score it was chosen for, less the tolerance; VP9 against the H.264 rung below its sibling', () => {
    const checks = qualityChecks(perTitle);
    assert.deepEqual(
      checks.map((c) => [c.subject, c.status, c.limit]),
      [
        ['720p H.264', 'pass', 93 - DEFAULT_THRESHOLDS.h264QualityTolerance],
        ['360p H.264', 'fail', 80 - DEFAULT_THRESHOLDS.h264QualityTolerance],
        ['720p VP9', 'pass', 80 - DEFAULT_THRESHOLDS.h264QualityTolerance],
        // Beside the lowest H.264 rung: its sibling's score less the wider VP9 tolerance.
        ['360p VP9', 'pass', 80 - DEFAULT_THRESHOLDS.vp9QualityTolerance],
      ],
    );
    assert.match(checks[1]!.message, /VMAF 70\.00 < target 77\.00/);
    assert.match(checks[2]!.message, /the H\.264 360p rung below chosen at 80\.00/);
  });

  test('VP9 siblings follow H.264 rungs largest first, even when two rungs share a size', () => {
    const sameSize: LadderScores = {
      mode: 'per-title',
      metric: 'vmaf',
      points: [
        { width: 320, height: 240, crf: 33, score: 96.3 },
        { width: 320, height: 240, crf: 39, score: 89.4 },
        { width: 240, height: 180, crf: 39, score: 71.7 },
      ],
      rungs: [
        { name: '240p', width: 320, height: 240, codec: 'avc1.42c00d', videoKbps: 573, crf: 33, score: 96.1 },
        { name: '240p', width: 320, height: 240, codec: 'avc1.42c00d', videoKbps: 318, crf: 39, score: 89.0 },
        { name: '180p', width: 240, height: 180, codec: 'avc1.42c00c', videoKbps: 156, crf: 39, score: 71.3 },
        { name: '240p', width: 320, height: 240, codec: 'vp09.00.20.08', videoKbps: 458, crf: 50, score: 90.4 },
        { name: '240p', width: 320, height: 240, codec: 'vp09.00.20.08', videoKbps: 254, crf: 56, score: 80 },
      ],
    };
    assert.deepEqual(
      qualityChecks(sameSize)
        .slice(3)
        .map((c) => [c.status, c.limit]),
      [
        ['pass', 89.4 - DEFAULT_THRESHOLDS.h264QualityTolerance],
        ['pass', 71.7 - DEFAULT_THRESHOLDS.h264QualityTolerance],
      ],
    );
  });

  const curve = [
    { width: 640, height: 360, crf: 27, score: 90 },
    { width: 640, height: 360, crf: 33, score: 78 },
    { width: 640, height: 360, crf: 39, score: 60 },
    { width: 320, height: 180, crf: 30, score: 50 },
  ];
  const crfs: [number, number | undefined][] = [
    [33, 78], // a trial's own score
    [30, 84], // halfway between the 27 and 33 trials
    [35, 72],
    [26, undefined], // outside that size's trials
    [40, undefined],
  ];
  for (const [crf, expected] of crfs) test(`scoreAtCrf: 360p at CRF ${crf} -> ${expected}`, () => assert.equal(scoreAtCrf(curve, 640, 360, crf), expected));

  test('a rung between trial CRFs is held to its interpolated score; low rungs get a wider tolerance', () => {
    const between: LadderScores = {
      mode: 'per-title',
      metric: 'vmaf',
      points: curve,
      rungs: [
        { name: '360p', width: 640, height: 360, codec: 'avc1.64001e', videoKbps: 900, crf: 30, score: 81.5 },
        { name: '360p', width: 640, height: 360, codec: 'avc1.64001e', videoKbps: 400, crf: 37, score: 63 },
        { name: '180p', width: 320, height: 180, codec: 'avc1.64000d', videoKbps: 200, crf: 30, score: 44.9 },
      ],
    };
    assert.deepEqual(
      qualityChecks(between).map((c) => [c.status, c.limit]),
      [
        ['pass', 84 - 3],
        ['pass', 66 - 3.4], // a tenth of the way from 66 to 100
        ['fail', 50 - 5],
      ],
    );
  });

  test('a VMAF floor raises every target; an impossible one fails every rung', () => {
    const floor = qualityChecks(perTitle, { ...DEFAULT_THRESHOLDS, vmafFloor: 91 });
    assert.deepEqual(
      floor.map((c) => c.status),
      ['pass', 'fail', 'fail', 'fail'],
    );
    assert.ok(qualityChecks(perTitle, { ...DEFAULT_THRESHOLDS, vmafFloor: 100 }).every((c) => c.status === 'fail'));
  });

  test('the floor is in VMAF, so it does not apply to a PSNR fallback', () => {
    const psnr = qualityChecks({ ...perTitle, metric: 'psnr' }, { ...DEFAULT_THRESHOLDS, vmafFloor: 100 });
    assert.equal(psnr[0]!.status, 'pass');
    assert.match(psnr[0]!.message, /^PSNR/);
  });

  test('a fixed ladder is not measured, never a pass, floor or not', () => {
    const fixed = qualityChecks({ mode: 'fixed', metric: null, points: [], rungs: rungs.map((r) => ({ ...r, score: null })) }, { ...DEFAULT_THRESHOLDS, vmafFloor: 90 });
    assert.ok(fixed.every((c) => c.status === 'not_measured'));
  });

  test('a rung without its trial in the report is held to the floor alone, or not measured', () => {
    const orphan: LadderScores = { ...perTitle, points: [] };
    assert.ok(qualityChecks(orphan).every((c) => c.status === 'not_measured'));
    assert.deepEqual(
      qualityChecks(orphan, { ...DEFAULT_THRESHOLDS, vmafFloor: 85 }).map((c) => c.status),
      ['pass', 'fail', 'pass', 'fail'],
    );
  });
});

describe('black and frozen stretches', () => {
  const cases: { name: string; stretches: { startSec: number; endSec: number }[]; status: string }[] = [
    { name: 'none', stretches: [], status: 'pass' },
    { name: 'a fade from black and credits on black', stretches: [{ startSec: 0, endSec: 1.5 }, { startSec: 57, endSec: 60 }], status: 'pass' },
    { name: 'a stretch inside the programme warns', stretches: [{ startSec: 20, endSec: 24 }], status: 'warn' },
    { name: 'black for nearly all of it', stretches: [{ startSec: 0, endSec: 55 }], status: 'fail' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.status}`, () => {
      const check = stretchCheck('black', c.stretches, 60);
      assert.equal(check.status, c.status, check.message);
    });
  }
  test('a source frozen throughout (a still over sound) only warns', () => {
    assert.equal(stretchCheck('frozen', [{ startSec: 3, endSec: 60 }], 60).status, 'warn');
  });
  test('the warning names the stretch', () => {
    assert.match(stretchCheck('frozen', [{ startSec: 20, endSec: 24 }], 60).message, /20\.00–24\.00 s/);
  });
});

describe('the report', () => {
  test('any failed check fails it; warnings and unmeasured checks do not', () => {
    const pass = decodeCheck('a', { ok: true, errors: [] });
    const warn = stretchCheck('black', [{ startSec: 20, endSec: 24 }], 60);
    const fail = decodeCheck('b', { ok: false, errors: ['boom'] });
    const none = { black: [], frozen: [] };
    assert.equal(qcReport([pass, warn], none, 'now').verdict, 'pass');
    const failed = qcReport([pass, warn, fail], none, 'now');
    assert.equal(failed.verdict, 'fail');
    assert.equal(qcSummary(failed), 'QC failed 1 of 3 checks: b decode: does not decode cleanly: boom');
  });
});

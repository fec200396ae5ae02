import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioArgs, audioLanguageTag, audioOutputs, loudnessMeasureArgs, normalisationFilter, parseLoudnessMeasurements, type LoudnessMeasurement } from './audioArgs.ts';

const valueOf = (args: string[], flag: string): string | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};

test('audioLanguageTag: container tags become BCP 47', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    ['eng', 'en'],
    ['fre', 'fr'],
    ['fra', 'fr'],
    ['ger', 'de'],
    ['en', 'en'],
    ['pt-BR', 'pt-BR'],
    ['POR', 'pt'],
    ['gsw', 'gsw'],
    [undefined, 'und'],
    ['', 'und'],
    ['not a tag!', 'und'],
  ];
  for (const [tag, expected] of cases) await t.test(String(tag), () => assert.equal(audioLanguageTag(tag), expected));
});

test('audioOutputs: a stereo per track, plus 5.1 for 5.1-and-wider tracks, numbered after the video', async (t) => {
  const cases: Array<[string, Parameters<typeof audioOutputs>[0], Array<[number, string, number, string, number, number]>]> = [
    ['none', [], []],
    ['mono', [{ index: 1, channels: 1 }], [[1, 'stereo', 128, 'und', 4, 2]]],
    ['stereo', [{ index: 1, channels: 2, language: 'eng' }], [[1, 'stereo', 128, 'en', 4, 2]]],
    ['5.1', [{ index: 3, channels: 6, language: 'fra' }], [[3, 'stereo', 128, 'fr', 4, 2], [3, '5.1', 384, 'fr', 5, 3]]],
    ['7.1 is downmixed to 5.1', [{ index: 1, channels: 8, language: 'spa' }], [[1, 'stereo', 128, 'es', 4, 2], [1, '5.1', 384, 'es', 5, 3]]],
    [
      'eng stereo + fra 5.1',
      [{ index: 1, channels: 2, language: 'eng' }, { index: 2, channels: 6, language: 'fre' }],
      [[1, 'stereo', 128, 'en', 4, 2], [2, 'stereo', 128, 'fr', 5, 3], [2, '5.1', 384, 'fr', 6, 4]],
    ],
  ];
  for (const [name, tracks, expected] of cases) {
    await t.test(name, () => {
      const outs = audioOutputs(tracks, 4, 2);
      assert.deepEqual(outs.map((o) => [o.sourceIndex, o.layout, o.kbps, o.language, o.outputIndex, o.adaptationSetId]), expected);
      outs.forEach((o, n) => {
        assert.equal(o.pad, `aout${n}`);
        assert.equal(o.channels, o.layout === '5.1' ? 6 : 2);
      });
    });
  }
});

const measured = (integratedLufs: number, truePeakDbtp: number, rangeLu = 5, thresholdLufs = integratedLufs - 10): LoudnessMeasurement => ({ integratedLufs, truePeakDbtp, rangeLu, thresholdLufs });

test('normalisationFilter: linear gain when the peak allows, else loudnorm with the measurements', async (t) => {
  const cases: Array<[string, LoudnessMeasurement | undefined, string | RegExp]> = [
    ['quiet with headroom: gain up', measured(-31.76, -30.19), 'volume=8.76dB'],
    ['loud: gain down', measured(-14, -0.5), 'volume=-9.00dB'],
    ['on target', measured(-23, -10), 'volume=0.00dB'],
    ['peak exactly at the ceiling after gain', measured(-25, -3), 'volume=2.00dB'],
    ['gain would clip the peak: dynamic with measured values', measured(-30, -4, 12, -40.5), 'loudnorm=I=-23:TP=-1:LRA=20:measured_I=-30.00:measured_TP=-4.00:measured_LRA=12.00:measured_thresh=-40.50:linear=true'],
    ['silence is left alone', measured(-Infinity, -Infinity, 0, -Infinity), 'anull'],
    ['near silence (-70) too', measured(-70, -60), 'anull'],
    ['no measurement: one-pass loudnorm', undefined, 'loudnorm=I=-23:TP=-1:LRA=20'],
  ];
  for (const [name, m, expected] of cases) await t.test(name, () => assert.equal(normalisationFilter(m), expected));
});

/** What ffmpeg's ebur128 meter writes at the end of stderr (as this ffmpeg prints it), instances in any order. */
const summary = (name: string, i: string, thresh: string, lra: string, peak: string) =>
  `[ebur128@${name} @ 0x198adb40] Summary:\n\n  Integrated loudness:\n    I:         ${i} LUFS\n    Threshold: ${thresh} LUFS\n\n` +
  `  Loudness range:\n    LRA:         ${lra} LU\n    Threshold: -54.2 LUFS\n    LRA low:   -34.2 LUFS\n    LRA high:  -34.2 LUFS\n\n  True peak:\n    Peak:      ${peak} dBFS\n`;

test('parseLoudnessMeasurements: each instance by its name, whatever the order', async (t) => {
  const stderr =
    'size=N/A time=00:01:00.01 bitrate=N/A speed=  22x    \nvideo:0kB audio:56260kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown\n' +
    summary('measure2', '-34.2', '-44.2', '0.0', '-37.3') +
    summary('measure0', '-12.8', '-22.7', '3.4', '-12.0') +
    summary('measure1', '-31.2', '-41.2', '0.0', '-29.7');
  await t.test('three outputs', () =>
    assert.deepEqual(parseLoudnessMeasurements(stderr, 3), [measured(-12.8, -12, 3.4, -22.7), measured(-31.2, -29.7, 0, -41.2), measured(-34.2, -37.3, 0, -44.2)]),
  );
  await t.test('silence: -70 LUFS and a peak of -inf, left alone', () => {
    const [m] = parseLoudnessMeasurements(summary('measure0', '-70.0', '  0.0', '0.0', ' -inf'), 1);
    assert.deepEqual(m, measured(-70, -Infinity, 0, 0));
    assert.equal(normalisationFilter(m), 'anull');
  });
  await t.test('a missing output is an error, not a guess', () => assert.throws(() => parseLoudnessMeasurements(stderr, 4), /output 3/));
  await t.test('a cut-off summary is an error', () => assert.throws(() => parseLoudnessMeasurements(summary('measure0', '-20.0', '-30.0', '1.0', '-3.0').split('True peak')[0]!, 1), /output 0/));
  await t.test('nothing to measure', () => assert.deepEqual(parseLoudnessMeasurements('', 0), []));
});

test('loudnessMeasureArgs: one audio-only run metering each output after its downmix', () => {
  const outputs = audioOutputs([{ index: 1, channels: 2, language: 'eng' }, { index: 2, channels: 6, language: 'fra' }], 0, 0);
  const args = loudnessMeasureArgs({ input: '/in.mp4', outputs });
  assert.ok(args.includes('-vn'));
  assert.equal(valueOf(args, '-loglevel'), 'info', 'ebur128 prints its summary at info, its frame log at verbose');
  assert.equal(
    valueOf(args, '-filter_complex'),
    [
      '[0:1]aformat=channel_layouts=stereo,ebur128@measure0=peak=true:framelog=verbose[m0]',
      '[0:2]aformat=channel_layouts=stereo,ebur128@measure1=peak=true:framelog=verbose[m1]',
      '[0:2]aformat=channel_layouts=5.1,ebur128@measure2=peak=true:framelog=verbose[m2]',
    ].join(';'),
  );
  assert.equal(args.filter((a) => a === 'null').length, 3);
  assert.throws(() => loudnessMeasureArgs({ input: '/in.mp4', outputs: [] }), RangeError);
});

test('audioArgs: maps, filters, per-stream codecs, language metadata and adaptation sets', () => {
  const tracks = [{ index: 1, channels: 2, language: 'eng' }, { index: 2, channels: 6, language: 'fra' }];
  const a = audioArgs({ tracks, inputIndex: 1, firstOutputIndex: 5, firstAdaptationSetId: 2, measurements: [measured(-31.76, -30.19), measured(-20, 2.5), measured(-30, -12)] });
  assert.deepEqual(a.mapArgs, ['-map', '[aout0]', '-map', '[aout1]', '-map', '[aout2]']);
  assert.deepEqual(a.filterGraph.split(';'), [
    '[1:1]aformat=channel_layouts=stereo,volume=8.76dB,aresample=48000[aout0]',
    '[1:2]aformat=channel_layouts=stereo,loudnorm=I=-23:TP=-1:LRA=20:measured_I=-20.00:measured_TP=2.50:measured_LRA=5.00:measured_thresh=-30.00:linear=true,aresample=48000[aout1]',
    '[1:2]aformat=channel_layouts=5.1,volume=7.00dB,aresample=48000[aout2]',
  ]);
  assert.deepEqual(a.codecArgs, [
    ...['-c:5', 'aac', '-b:5', '128k', '-ac:5', '2', '-ar:5', '48000', '-metadata:s:5', 'language=en'],
    ...['-c:6', 'aac', '-b:6', '128k', '-ac:6', '2', '-ar:6', '48000', '-metadata:s:6', 'language=fr'],
    ...['-c:7', 'aac', '-b:7', '384k', '-ac:7', '6', '-ar:7', '48000', '-metadata:s:7', 'language=fr'],
  ]);
  assert.deepEqual(a.adaptationSets, ['id=2,streams=5', 'id=3,streams=6', 'id=4,streams=7']);
});

test('audioArgs: without measurements, one-pass loudnorm; without tracks, nothing', () => {
  const one = audioArgs({ tracks: [{ index: 1, channels: 2 }], inputIndex: 0, firstOutputIndex: 1, firstAdaptationSetId: 1 });
  assert.equal(one.filterGraph, '[0:1]aformat=channel_layouts=stereo,loudnorm=I=-23:TP=-1:LRA=20,aresample=48000[aout0]');
  assert.equal(valueOf(one.codecArgs, '-metadata:s:1'), 'language=und');
  const none = audioArgs({ tracks: [], inputIndex: 0, firstOutputIndex: 3, firstAdaptationSetId: 1 });
  assert.deepEqual(none, { outputs: [], filterGraph: '', mapArgs: [], codecArgs: [], adaptationSets: [] });
});

test('audioArgs rejects nonsense', () => {
  const tracks = [{ index: 1, channels: 2 }];
  assert.throws(() => audioArgs({ tracks, inputIndex: -1, firstOutputIndex: 1, firstAdaptationSetId: 1 }), RangeError);
  assert.throws(() => audioArgs({ tracks, inputIndex: 0, firstOutputIndex: 1.5, firstAdaptationSetId: 1 }), RangeError);
  assert.throws(() => audioArgs({ tracks, inputIndex: 0, firstOutputIndex: 1, firstAdaptationSetId: 1, measurements: [] }), /0 loudness measurements for 1/);
});

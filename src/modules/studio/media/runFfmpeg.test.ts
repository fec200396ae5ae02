import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FfmpegError, ProgressParser, runFfmpeg } from './runFfmpeg.ts';
import { ffmpegPath } from './testSupport.ts';

test('ProgressParser turns -progress lines into a fraction', async (t) => {
  const cases: Array<[string, string[], Array<number | undefined>, number]> = [
    // name, lines, fraction after each line, final outTimeSec
    ['out_time_us', ['frame=10', 'out_time_us=2500000', 'progress=continue'], [undefined, 0.25, undefined], 2.5],
    ['out_time_ms is microseconds too', ['out_time_ms=5000000'], [0.5], 5],
    ['out_time clock', ['out_time=00:00:07.500000'], [0.75], 7.5],
    ['hours in the clock', ['out_time=01:00:00.000000'], [1], 3600],
    ['N/A before the first frame', ['out_time_us=N/A', 'out_time=N/A', 'out_time_ms=N/A'], [undefined, undefined, undefined], 0],
    ['negative start times are ignored', ['out_time=-00:00:00.021333', 'out_time_us=-21333'], [undefined, undefined], 0],
    ['never goes backwards', ['out_time_us=6000000', 'out_time_us=4000000'], [0.6, 0.6], 6],
    ['capped at 1', ['out_time_us=12000000'], [1], 12],
    ['end', ['progress=end'], [1], 0],
    ['noise', ['', 'garbage', 'bitrate=N/A', 'speed=1.2x'], [undefined, undefined, undefined, undefined], 0],
  ];
  for (const [name, lines, fractions, outTime] of cases) {
    await t.test(name, () => {
      const p = new ProgressParser(10);
      assert.deepEqual(lines.map((l) => p.push(l)), fractions);
      assert.equal(p.outTimeSec, outTime);
    });
  }
});

const tinyEncode = (seconds: number) => [
  '-hide_banner', '-nostdin', '-loglevel', 'warning', '-f', 'lavfi', '-i', `testsrc2=s=160x120:r=25:d=${seconds}`,
  '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'null', '-progress', 'pipe:1', '-nostats', '-',
];

test('runFfmpeg reports rising progress ending at 1', async () => {
  const seen: number[] = [];
  const result = await runFfmpeg(ffmpegPath, tinyEncode(2), { durationSec: 2, onProgress: (f) => seen.push(f) });
  assert.ok(seen.length >= 1);
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f > seen[i - 1]!)), seen.join(','));
  assert.ok(result.outTimeSec > 1.9 && result.outTimeSec < 2.2, String(result.outTimeSec));
});

test('runFfmpeg rejects with the stderr tail when ffmpeg fails', async () => {
  const error = await runFfmpeg(ffmpegPath, ['-hide_banner', '-nostdin', '-i', '/nonexistent/input.mp4', '-f', 'null', '-'], { durationSec: 1 }).then(
    () => assert.fail('should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof FfmpegError);
  assert.equal(error.exitCode, 1);
  assert.match(error.stderrTail, /No such file or directory/);
  assert.match(error.message, /No such file or directory/);
});

test('runFfmpeg rejects when ffmpeg cannot be started', async () => {
  await assert.rejects(runFfmpeg('/nonexistent/ffmpeg', ['-version'], { durationSec: 1 }), { code: 'ENOENT' });
});

test('runFfmpeg kills ffmpeg on abort', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const run = runFfmpeg(ffmpegPath, tinyEncode(600), {
    durationSec: 600,
    signal: controller.signal,
    onProgress: () => controller.abort(),
  });
  await assert.rejects(run, { name: 'AbortError' });
  assert.ok(Date.now() - started < 20_000, 'aborted long before the end');
  await assert.rejects(runFfmpeg(ffmpegPath, ['-version'], { durationSec: 1, signal: controller.signal }), { name: 'AbortError' });
});

test('runFfmpeg stops ffmpeg and rejects when the progress callback throws', async () => {
  const boom = new Error('progress sink failed');
  await assert.rejects(
    runFfmpeg(ffmpegPath, tinyEncode(600), {
      durationSec: 600,
      onProgress: () => {
        throw boom;
      },
    }),
    (e: unknown) => e === boom,
  );
});

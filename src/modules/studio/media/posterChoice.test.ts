import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateIntervalSec, choosePosterFrames, filterPath, frameMeasurements, frameStatsArgs, parseFrameMetadata, type FrameMeasurement } from './posterChoice.ts';

const sharp = (atSec: number, edges = 20): FrameMeasurement => ({ atSec, luma: 120, contrast: 150, edges });
const black = (atSec: number): FrameMeasurement => ({ atSec, luma: 16, contrast: 0, edges: 0 });

test('choosePosterFrames', async (t) => {
  const cases: { name: string; frames: FrameMeasurement[]; duration: number; poster: number; backdrop?: number; reason?: string }[] = [
    { name: 'black opening is skipped', frames: [black(1), black(2), black(3), sharp(5, 18), sharp(7, 22), sharp(9, 19)], duration: 10, poster: 7, backdrop: 9 },
    { name: 'a blurred frame loses to a sharp one even when brighter', frames: [{ atSec: 2, luma: 125, contrast: 150, edges: 4 }, sharp(4, 15), sharp(6, 16), sharp(8, 14)], duration: 10, poster: 6, backdrop: 4 },
    { name: 'washed-out flash is not chosen', frames: [{ atSec: 3, luma: 230, contrast: 30, edges: 40 }, sharp(5, 20), sharp(8, 19)], duration: 10, poster: 5, backdrop: 8 },
    { name: 'flat fade is not chosen', frames: [{ atSec: 3, luma: 100, contrast: 5, edges: 40 }, sharp(5, 20), sharp(8, 19)], duration: 10, poster: 5, backdrop: 8 },
    { name: 'first and last 5% are ignored', frames: [sharp(0.1, 90), sharp(9.9, 90), sharp(3, 10), sharp(6, 11)], duration: 10, poster: 6, backdrop: 3 },
    { name: 'backdrop is a different moment', frames: [sharp(50, 30), sharp(51, 29), sharp(80, 20)], duration: 100, poster: 50, backdrop: 80 },
    { name: 'dark throughout: the least bad frame', frames: [black(2), { atSec: 5, luma: 30, contrast: 12, edges: 3 }, black(8)], duration: 10, poster: 5, reason: 'least-bad' },
    { name: 'no measurements: a third in', frames: [], duration: 9, poster: 3, backdrop: 3, reason: 'no-candidates' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = choosePosterFrames(c.frames, c.duration);
      assert.equal(got.poster.atSec, c.poster);
      if (c.backdrop !== undefined) assert.equal(got.backdrop.atSec, c.backdrop);
      assert.equal(got.poster.reason, c.reason ?? 'best');
    });
  }
});

test('candidateIntervalSec: at most 60 candidates, never closer than 0.5 s', () => {
  assert.equal(candidateIntervalSec(10), 0.5);
  assert.equal(candidateIntervalSec(60), 1);
  assert.equal(candidateIntervalSec(7200), 120);
});

test('frameMeasurements joins the luma and edge metadata of the same frames', () => {
  const luma = ['frame:0    pts:0       pts_time:0', 'lavfi.signalstats.YLOW=16', 'lavfi.signalstats.YAVG=16', 'lavfi.signalstats.YHIGH=16', 'frame:1    pts:1       pts_time:0.5', 'lavfi.signalstats.YLOW=41', 'lavfi.signalstats.YAVG=121.35', 'lavfi.signalstats.YHIGH=210', ''].join('\n');
  const edges = ['frame:0    pts:0       pts_time:0', 'lavfi.signalstats.YAVG=0', 'frame:1    pts:1       pts_time:0.5', 'lavfi.signalstats.YAVG=5.88934', ''].join('\n');
  assert.deepEqual(frameMeasurements(luma, edges), [
    { atSec: 0, luma: 16, contrast: 0, edges: 0 },
    { atSec: 0.5, luma: 121.35, contrast: 169, edges: 5.88934 },
  ]);
  assert.deepEqual(parseFrameMetadata('garbage\nkey=1\n'), []);
  assert.deepEqual(frameMeasurements(luma, ''), [], 'a frame without its edge value is dropped');
});

test('filterPath escapes a path for a filter option inside a filter graph', () => {
  const cases: [string, string][] = [
    ['/tmp/a/luma.txt', '/tmp/a/luma.txt'],
    ['/tmp/a:b/luma.txt', '/tmp/a\\\\:b/luma.txt'],
    ['/tmp/a,b/luma.txt', '/tmp/a\\,b/luma.txt'],
    ["/tmp/it's/l.txt", "/tmp/it\\\\\\'s/l.txt"],
  ];
  for (const [path, escaped] of cases) assert.equal(filterPath(path), escaped);
});

test('frameStatsArgs: one decode, luma then edge statistics of the same sampled frames', () => {
  const args = frameStatsArgs({ input: 'in.mp4', intervalSec: 2, lumaFile: '/w/l.txt', edgeFile: '/w/e.txt' });
  assert.equal(args[args.indexOf('-vf') + 1], 'fps=0.500000:round=up,signalstats,metadata=mode=print:file=/w/l.txt,edgedetect,signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file=/w/e.txt');
  assert.deepEqual(args.slice(-3), ['-f', 'null', '-']);
});

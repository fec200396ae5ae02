import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spriteArgs, thumbnailCount, trickplayIntervalSec, trickplayLayout, trickplayVtt, vttTime } from './trickplay.ts';

test('trickplayIntervalSec: about 200 thumbnails, 1 to 10 s apart', () => {
  const cases: [number, number][] = [[5, 1], [32, 1], [300, 2], [1000, 5], [7200, 10]];
  for (const [duration, interval] of cases) assert.equal(trickplayIntervalSec(duration), interval, `${duration} s`);
});

test('vttTime', () => {
  const cases: [number, string][] = [[0, '00:00:00.000'], [1.5, '00:00:01.500'], [61.0004, '00:01:01.000'], [3725.25, '01:02:05.250']];
  for (const [sec, text] of cases) assert.equal(vttTime(sec), text);
});

test('thumbnailCount covers the title', () => {
  const cases: [number, number, number][] = [[8, 1, 8], [8.2, 1, 9], [0.4, 1, 1], [7200, 10, 720], [7205, 10, 721]];
  for (const [duration, interval, count] of cases) assert.equal(thumbnailCount(duration, interval), count, `${duration}/${interval}`);
});

test('trickplayVtt: cues tile the title and point inside their sheet', async (t) => {
  const cases: { duration: number; source: { width: number; height: number }; sprites: number }[] = [
    { duration: 8.5, source: { width: 640, height: 360 }, sprites: 1 },
    { duration: 300, source: { width: 1920, height: 1080 }, sprites: 2 },
    { duration: 7200, source: { width: 1920, height: 800 }, sprites: 8 },
  ];
  for (const c of cases) {
    await t.test(`${c.duration} s ${c.source.width}x${c.source.height}`, () => {
      const layout = trickplayLayout(c.duration, c.source);
      const { vtt, sprites } = trickplayVtt(c.duration, layout);
      assert.equal(sprites.length, c.sprites);
      assert.ok(vtt.startsWith('WEBVTT\n\n'));
      const cues = [...vtt.matchAll(/^(\S+) --> (\S+)\n(sprite_\d{3}\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)$/gm)];
      assert.equal(cues.length, thumbnailCount(c.duration, layout.intervalSec));
      assert.equal(cues[0]![1], '00:00:00.000');
      assert.equal(cues.at(-1)![2], vttTime(c.duration), 'the last cue ends at the end');
      const sheet = { width: layout.tile.width * layout.columns, height: layout.tile.height * layout.rows };
      cues.forEach((m, i) => {
        if (i > 0) assert.equal(m[1], cues[i - 1]![2], 'cues are contiguous');
        assert.ok(sprites.includes(m[3]!));
        const [x, y, w, h] = m.slice(4, 8).map(Number) as [number, number, number, number];
        assert.deepEqual([w, h], [layout.tile.width, layout.tile.height]);
        assert.ok(x + w <= sheet.width && y + h <= sheet.height, `cue ${i} inside the sheet`);
      });
    });
  }
  await t.test('the 101st thumbnail starts the second sheet at its top left', () => {
    const { vtt } = trickplayVtt(300, trickplayLayout(300, { width: 1920, height: 1080 }));
    assert.match(vtt, /^00:03:20\.000 --> 00:03:22\.000\nsprite_002\.jpg#xywh=0,0,160,90$/m);
    assert.match(vtt, /^00:03:18\.000 --> 00:03:20\.000\nsprite_001\.jpg#xywh=1440,810,160,90$/m);
  });
});

test('trickplayLayout: a title shorter than one sheet gets only the rows it fills', () => {
  const cases: [number, number][] = [[5, 1], [10, 1], [12, 2], [99, 10], [7200, 10]];
  for (const [duration, rows] of cases) assert.equal(trickplayLayout(duration, { width: 640, height: 360 }).rows, rows, `${duration} s`);
});

test('spriteArgs tiles fps-sampled thumbnails', () => {
  const args = spriteArgs({ input: 'in.mp4', outDir: '/out', layout: trickplayLayout(100, { width: 640, height: 360 }) });
  assert.ok(args.includes('fps=1/1:round=up,scale=160:90,setsar=1,tile=10x10'));
  assert.equal(args.at(-1), '/out/sprite_%03d.jpg');
});

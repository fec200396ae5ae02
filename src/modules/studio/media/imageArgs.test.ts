import { test } from 'node:test';
import assert from 'node:assert/strict';
import { posterArgs, thumbnailArgs } from './imageArgs.ts';

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

test('posterArgs: one frame a third of the way in, 640 wide, even, never upscaled', async (t) => {
  const cases: Array<[string, { width: number; height: number }, number, string, string]> = [
    ['720p', { width: 1280, height: 720 }, 30, '10.000', 'scale=640:360,setsar=1'],
    ['scope', { width: 1920, height: 818 }, 10, '3.333', 'scale=640:272,setsar=1'],
    ['small source is not upscaled', { width: 320, height: 240 }, 6, '2.000', 'scale=320:240,setsar=1'],
    ['odd size', { width: 853, height: 481 }, 3, '1.000', 'scale=640:360,setsar=1'],
    ['portrait', { width: 1080, height: 1920 }, 9, '3.000', 'scale=640:1138,setsar=1'],
  ];
  for (const [name, source, durationSec, ss, vf] of cases) {
    await t.test(name, () => {
      const args = posterArgs({ input: 'in.mp4', outPath: '/o/poster.jpg', durationSec, source });
      assert.equal(valueOf(args, '-ss'), ss);
      assert.ok(args.indexOf('-ss') < args.indexOf('-i'), 'input seeking (fast)');
      assert.equal(valueOf(args, '-frames:v'), '1');
      assert.equal(valueOf(args, '-vf'), vf);
      assert.equal(args.at(-1), '/o/poster.jpg');
    });
  }
  assert.equal(valueOf(posterArgs({ input: 'i', outPath: 'o', durationSec: 30, source: { width: 64, height: 64 }, atSec: 0 }), '-ss'), '0.000');
});

test('thumbnailArgs: one 320-wide frame every 10 s, numbered from 001', () => {
  const args = thumbnailArgs({ input: 'in.mp4', outDir: '/o', source: { width: 1920, height: 1080 } });
  assert.equal(valueOf(args, '-vf'), 'fps=1/10:round=up,scale=320:180,setsar=1');
  assert.equal(args.at(-1), '/o/thumb_%03d.jpg');
  assert.equal(valueOf(args, '-map'), '0:v:0');
  const custom = thumbnailArgs({ input: 'in.mp4', outDir: '/o', source: { width: 1920, height: 818 }, intervalSec: 5, videoStreamIndex: 1 });
  assert.equal(valueOf(custom, '-vf'), 'fps=1/5:round=up,scale=320:136,setsar=1');
  assert.equal(valueOf(custom, '-map'), '0:1');
});

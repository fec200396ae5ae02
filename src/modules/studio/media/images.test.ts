import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeVideo } from './encodeTitle.ts';
import { parseFrameMetadata } from './posterChoice.ts';
import { ffmpegPath, ffprobePath, tempDir } from './testSupport.ts';
import { vttTime } from './trickplay.ts';

const run = promisify(execFile);
const { dir, cleanup } = await tempDir('images');
test.after(cleanup);

/** Mean luma of an image, via the same signalstats the chooser uses. */
async function meanLuma(file: string): Promise<number> {
  const { stderr } = await run(ffmpegPath, ['-hide_banner', '-nostdin', '-i', file, '-vf', 'signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG', '-f', 'null', '-']);
  const m = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(stderr);
  assert.ok(m, 'signalstats printed YAVG');
  return Number(m[1]);
}

async function frameSize(file: string): Promise<{ width: number; height: number }> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]);
  const [width, height] = stdout.trim().split(',').map(Number);
  return { width: width!, height: height! };
}

test('images: a clip that opens on 4 s of black gets a lit poster and a trick-play track', async (t) => {
  const source = join(dir, 'black-open.mp4');
  await run(ffmpegPath, [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    '-f', 'lavfi', '-i', 'color=black:s=480x270:r=25:d=4',
    '-f', 'lavfi', '-i', 'testsrc2=s=480x270:r=25:d=8',
    '-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', source,
  ]);
  const out = join(dir, 'out');
  const result = await encodeVideo({ ffmpegPath, ffprobePath, sourcePath: source, outDir: out, vp9Rungs: 0 });

  await t.test('poster and backdrop are from the lit part, at different moments', async () => {
    assert.ok(result.images.poster.atSec >= 4, `poster at ${result.images.poster.atSec} s`);
    assert.ok(result.images.backdrop.atSec >= 4, `backdrop at ${result.images.backdrop.atSec} s`);
    assert.notEqual(result.images.backdrop.atSec, result.images.poster.atSec);
    assert.equal(result.images.poster.reason, 'best');
    assert.ok((await meanLuma(join(out, result.files.poster))) > 40, 'the poster is not black');
    assert.ok((await meanLuma(join(out, result.images.backdrop.file))) > 40, 'the backdrop is not black');
    assert.deepEqual(await frameSize(join(out, result.images.backdrop.file)), { width: 480, height: 270 }, 'backdrop at the source size (never upscaled)');
  });

  await t.test('the sprite sheet and VTT exist and the cues cover the duration inside the sheet', async () => {
    const tp = result.images.trickplay;
    assert.deepEqual(tp.sprites, ['sprite_001.jpg']);
    assert.equal(tp.intervalSec, 1);
    const sheet = await frameSize(join(out, tp.sprites[0]!));
    assert.deepEqual(sheet, { width: tp.width * 10, height: tp.height * 2 }, '12 thumbnails fill two rows');
    const vtt = await readFile(join(out, tp.vtt), 'utf8');
    const cues = [...vtt.matchAll(/^(\S+) --> (\S+)\n(sprite_\d{3}\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)$/gm)];
    assert.equal(cues.length, 12);
    assert.equal(cues[0]![1], '00:00:00.000');
    assert.equal(cues.at(-1)![2], vttTime(result.durationSec));
    for (const c of cues) {
      const [x, y, w, h] = c.slice(4, 8).map(Number) as [number, number, number, number];
      assert.ok((await stat(join(out, c[3]!))).size > 0);
      assert.ok(x + w <= sheet.width && y + h <= sheet.height && w === tp.width && h === tp.height);
    }
  });

  await t.test('the tile a cue names shows that moment: black before 4 s, lit after', async () => {
    const tp = result.images.trickplay;
    const tile = async (n: number) => {
      const { stderr } = await run(ffmpegPath, ['-hide_banner', '-nostdin', '-i', join(out, tp.sprites[0]!), '-vf', `crop=${tp.width}:${tp.height}:${(n % 10) * tp.width}:${Math.floor(n / 10) * tp.height},signalstats,metadata=mode=print`, '-f', 'null', '-']);
      return parseFrameMetadata(stderr.replace(/^\[Parsed_metadata_\d+ @ \S+\] /gm, ''))[0]?.values['lavfi.signalstats.YAVG'] ?? NaN;
    };
    assert.ok((await tile(1)) < 25, 'thumbnail at 1 s is black');
    assert.ok((await tile(6)) > 40, 'thumbnail at 6 s is lit');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEMO_VIDEO_DESCRIPTIONS, DEMO_VIDEO_KINDS, demoVideoArgs, type DemoVideoKind } from './demoVideo.ts';
import { canDrawText, makeDemoVideo } from './makeDemoVideo.ts';
import { probeMedia } from './probe.ts';
import { ffmpegPath, ffprobePath, tempDir } from './testSupport.ts';

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

test('demoVideoArgs: every kind is an H.264/AAC MP4 of the asked length', async (t) => {
  assert.ok(DEMO_VIDEO_KINDS.length >= 5);
  for (const kind of DEMO_VIDEO_KINDS) {
    await t.test(kind, () => {
      assert.ok(DEMO_VIDEO_DESCRIPTIONS[kind]);
      const args = demoVideoArgs(kind, '/tmp/x.mp4');
      const graph = valueOf(args, '-filter_complex')!;
      assert.match(graph, /\[v\];sine=[^;]*\[a\]$/);
      assert.doesNotMatch(graph, /drawtext/, 'no label unless asked');
      assert.equal(valueOf(args, '-t'), '32');
      assert.equal(valueOf(args, '-c:v'), 'libx264');
      assert.equal(valueOf(args, '-preset'), 'veryfast');
      assert.equal(valueOf(args, '-crf'), '20');
      assert.equal(valueOf(args, '-c:a'), 'aac');
      assert.equal(args.at(-1), '/tmp/x.mp4');
      assert.match(graph, /1280/, 'default 1280x720');
    });
  }
});

test('demoVideoArgs: label, size and validation', () => {
  const graph = valueOf(demoVideoArgs('bars', 'o.mp4', { label: "Bars: it's 100%", seconds: 5, width: 641, height: 361 }), '-filter_complex')!;
  assert.ok(graph.includes("drawtext=text='Bars  it s 100   %{pts\\:hms}'"), 'unsafe characters are blanked');
  assert.match(graph, /smptehdbars=s=640x360/, 'even size');
  assert.throws(() => demoVideoArgs('nope' as DemoVideoKind, 'o.mp4'), RangeError);
  assert.throws(() => demoVideoArgs('bars', 'o.mp4', { seconds: 0 }), RangeError);
});

test('makeDemoVideo writes a playable clip for every kind', async (t) => {
  const { dir, cleanup } = await tempDir('demo');
  t.after(cleanup);
  const labelled = await canDrawText(ffmpegPath);
  for (const kind of DEMO_VIDEO_KINDS) {
    await t.test(kind, async () => {
      const out = join(dir, `${kind}.mp4`);
      const made = await makeDemoVideo(ffmpegPath, kind, out, { seconds: 1.2, width: 192, height: 108 });
      assert.equal(made.labelled, labelled);
      const info = await probeMedia(ffprobePath, out);
      assert.equal(info.videoCodec, 'h264');
      assert.equal(info.width, 192);
      assert.equal(info.height, 108);
      assert.equal(info.fps, 25);
      assert.deepEqual(info.audioStreams.map((a) => [a.codec, a.channels]), [['aac', 2]]);
      assert.ok(Math.abs(info.durationSec - 1.2) < 0.15, String(info.durationSec));
    });
  }
});

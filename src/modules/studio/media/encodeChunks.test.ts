import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeVideo, type EncodedVideo } from './encodeTitle.ts';
import { playlistUris } from './manifests.ts';
import { ffmpegPath, ffprobePath, keyframeTimes, makeClip, tempDir } from './testSupport.ts';

const { dir, cleanup } = await tempDir('chunks');
test.after(cleanup);

/** sha256 of every published file, by name. */
async function digests(outDir: string): Promise<Record<string, string>> {
  const files = (await readdir(outDir)).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, createHash('sha256').update(await readFile(join(outDir, f))).digest('hex')] as const)));
}

/** Per video playlist: its segment durations and the keyframe times of the joined rendition. */
async function layout(outDir: string, result: EncodedVideo): Promise<Array<{ playlist: string; durations: number[]; keyframes: number[] }>> {
  const master = await readFile(join(outDir, result.files.hls), 'utf8');
  const audio = new Set([...master.matchAll(/#EXT-X-MEDIA:TYPE=AUDIO[^\n]*URI="([^"]+)"/g)].map((m) => m[1]));
  const out = [];
  for (const playlist of playlistUris(master).filter((p) => !audio.has(p))) {
    const text = await readFile(join(outDir, playlist), 'utf8');
    const joined = join(dir, `joined-${Math.random().toString(36).slice(2)}.mp4`);
    await writeFile(joined, Buffer.concat(await Promise.all(playlistUris(text).map((f) => readFile(join(outDir, f))))));
    out.push({ playlist, durations: [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1])), keyframes: await keyframeTimes(joined) });
  }
  return out;
}

// 29.97 fps: segment boundaries (4 s, 8 s) fall between frames, the hard case for cutting chunks.
const source = await makeClip(dir, 'source.mp4', { seconds: 10, width: 640, height: 360, fps: 29.97 });
const encode = (name: string, extra: Partial<Parameters<typeof encodeVideo>[0]>) =>
  encodeVideo({ ffmpegPath, ffprobePath, sourcePath: source, outDir: join(dir, name), chunkSec: 4, ...extra });

test('a chunked encode is byte-identical with 1 or 2 chunks at a time, and keeps the single encode\'s segment layout', async (t) => {
  const one = await encode('c1', { chunkConcurrency: 1 });
  const two = await encode('c2', { chunkConcurrency: 2 });
  const single = await encode('single', { singleInvocation: true });

  await t.test('every file (segments, init segments, MPD, playlists, images) has the same sha256', async () => {
    const a = await digests(join(dir, 'c1'));
    const b = await digests(join(dir, 'c2'));
    assert.ok(Object.keys(a).filter((f) => f.startsWith('chunk-stream')).length >= 3 * 7, 'segments of every rendition');
    assert.deepEqual(b, a);
    assert.deepEqual(two, one);
  });

  await t.test('same files, renditions and codecs as the single-invocation encode', async () => {
    assert.deepEqual(Object.keys(await digests(join(dir, 'c1'))), Object.keys(await digests(join(dir, 'single'))));
    assert.deepEqual(one.renditions, single.renditions);
    const mpd = (name: string) => readFile(join(dir, name, 'manifest.mpd'), 'utf8');
    // The MPD states durations, bandwidths and codecs: the same text means the same structure.
    assert.equal(await mpd('c1'), await mpd('single'));
  });

  await t.test('keyframes and segment durations match the single encode in every rendition, aligned across rungs', async () => {
    const chunked = await layout(join(dir, 'c1'), one);
    const whole = await layout(join(dir, 'single'), single);
    assert.equal(chunked.length, one.renditions.length);
    assert.deepEqual(chunked, whole);
    const expected = [0, 120, 240].map((frame) => Number((frame / 29.97).toFixed(6)));
    for (const r of chunked) {
      assert.deepEqual(r.keyframes.map((k) => Number(k.toFixed(6))).map((k) => Math.round(k * 1000)), expected.map((k) => Math.round(k * 1000)), r.playlist);
      assert.equal(r.durations.length, 3, r.playlist);
    }
  });
});

test('a title with chunks enough for every worker decodes each chunk once for all its rungs, with the same guarantees', async () => {
  // 1 s segments and chunks: ten chunks, over SPLIT_BY_CODEC_BELOW_CHUNKS, so each unit is a whole chunk, H.264 and VP9.
  const opts = { segmentSec: 1, chunkSec: 1 };
  const one = await encode('long-c1', { ...opts, chunkConcurrency: 1 });
  const two = await encode('long-c2', { ...opts, chunkConcurrency: 2 });
  const single = await encode('long-single', { ...opts, singleInvocation: true });
  assert.deepEqual(new Set(one.renditions.map((r) => r.codec.split('.')[0])), new Set(['avc1', 'vp09']));
  assert.deepEqual(await digests(join(dir, 'long-c2')), await digests(join(dir, 'long-c1')));
  assert.deepEqual(two, one);
  const chunked = await layout(join(dir, 'long-c1'), one);
  assert.deepEqual(chunked, await layout(join(dir, 'long-single'), single));
  for (const r of chunked) assert.equal(r.durations.length, 10, r.playlist);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeVideo, type EncodedVideo, type EncodeStage } from './encodeTitle.ts';
import { isRelativeUri, playlistUris, readRepresentations, segmentName } from './manifests.ts';
import { MediaRejectedError } from './mediaRejectedError.ts';
import { ffmpegPath, ffprobePath, keyframeTimes, makeClip, tempDir } from './testSupport.ts';

const { dir, cleanup } = await tempDir('encode');
test.after(cleanup);

const encode = (sourcePath: string, outName: string, extra: Partial<Parameters<typeof encodeVideo>[0]> = {}) =>
  encodeVideo({ ffmpegPath, ffprobePath, sourcePath, outDir: join(dir, outName), ...extra });

const rejectedWith = (code?: string) => (e: unknown) => e instanceof MediaRejectedError && (code === undefined || e.code === code);

test('encodeVideo: a 6 s 640x360 clip with audio becomes an aligned CMAF ladder', async (t) => {
  const source = await makeClip(dir, 'source.mp4', { seconds: 6, width: 640, height: 360 });
  const stages: EncodeStage[] = [];
  let encodeDone = false;
  const result: EncodedVideo = await encode(source, 'out', {
    onProgress: (stage, f) => {
      if (stages.at(-1) !== stage) stages.push(stage);
      if (stage === 'encode' && f === 1) encodeDone = true;
    },
  });
  const out = join(dir, 'out');

  await t.test('reports the ladder and files', () => {
    assert.ok(result.renditions.length >= 4, `${result.renditions.length} renditions`);
    assert.deepEqual(result.renditions.map((r) => `${r.width}x${r.height}`).slice(0, 2), ['640x360', '426x240']);
    const codecs = result.renditions.map((r) => r.codec);
    const vp9 = codecs.filter((c) => c.startsWith('vp09.'));
    assert.equal(vp9.length, 2, 'VP9 copies of the two largest rungs');
    for (const c of codecs.slice(0, -2)) assert.match(c, /^avc1\.64[0-9a-f]{4}$/);
    for (const c of vp9) assert.match(c, /^vp09\.00\.\d\d\.08$/);
    assert.deepEqual(result.renditions.slice(-2).map((r) => r.height), [360, 240]);
    assert.deepEqual(result.ladder.rungs.map((r) => r.codec), codecs);
    assert.equal(result.ladder.mode, 'fixed');
    assert.equal(result.audio, true);
    assert.equal(result.audioCodec, 'mp4a.40.2');
    assert.ok(Math.abs(result.durationSec - 6) < 0.1);
    assert.deepEqual(result.files, { dash: 'manifest.mpd', hls: 'master.m3u8', poster: 'poster.jpg', thumbnails: ['thumb_001.jpg'] });
    assert.deepEqual(stages, ['probe', 'encode', 'images']);
    assert.ok(encodeDone, 'encode progress reached 1');
  });

  await t.test('leaves no staging directory behind', async () => {
    assert.deepEqual((await readdir(out)).filter((f) => f.startsWith('.')), []);
  });

  await t.test('the MPD references existing files by relative URL', async () => {
    const reps = readRepresentations(await readFile(join(out, result.files.dash), 'utf8'));
    assert.equal(reps.filter((r) => r.mimeType === 'video/mp4').length, result.renditions.length);
    assert.equal(reps.filter((r) => r.mimeType === 'audio/mp4').length, 1, 'one shared audio rendition');
    const segments = Math.ceil(result.durationSec / result.segmentSec);
    for (const rep of reps) {
      for (const name of [segmentName(rep.initialization!, rep.id), ...Array.from({ length: segments }, (_, i) => segmentName(rep.media!, rep.id, i + 1))]) {
        assert.ok(isRelativeUri(name), name);
        assert.ok(existsSync(join(out, name)), `${name} exists`);
      }
    }
  });

  const videoPlaylists: string[] = [];
  await t.test('the HLS master and media playlists reference existing files; segments are 4 s', async () => {
    const master = await readFile(join(out, result.files.hls), 'utf8');
    assert.match(master, /CODECS="avc1\.64[0-9a-f]{4},mp4a\.40\.2"/);
    const audioPlaylists = new Set([...master.matchAll(/#EXT-X-MEDIA:TYPE=AUDIO[^\n]*URI="([^"]+)"/g)].map((m) => m[1]));
    assert.equal(audioPlaylists.size, 1);
    for (const playlist of playlistUris(master)) {
      assert.ok(isRelativeUri(playlist), playlist);
      const text = await readFile(join(out, playlist), 'utf8');
      for (const uri of playlistUris(text)) {
        assert.ok(isRelativeUri(uri), uri);
        assert.ok(existsSync(join(out, uri)), `${uri} exists`);
      }
      const durations = [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
      assert.ok(durations.length === 2, `${playlist}: ${durations.join(', ')}`);
      if (!audioPlaylists.has(playlist)) {
        videoPlaylists.push(playlist);
        assert.equal(durations[0], 4, `${playlist}: first segment 4 s`);
      } else {
        assert.ok(Math.abs(durations[0]! - 4) < 0.1, `${playlist}: audio segment ~4 s`);
      }
    }
    assert.equal(videoPlaylists.length, result.renditions.length);
  });

  await t.test('keyframes align across the ladder, one at each segment start', async () => {
    const perRendition: number[][] = [];
    for (const playlist of videoPlaylists) {
      const files = playlistUris(await readFile(join(out, playlist), 'utf8'));
      const joined = join(dir, `joined-${playlist}.mp4`);
      await writeFile(joined, Buffer.concat(await Promise.all(files.map((f) => readFile(join(out, f))))));
      perRendition.push(await keyframeTimes(joined));
    }
    for (const times of perRendition) assert.deepEqual(times, [0, 4]);
  });

  await t.test('poster and thumbnail are JPEGs', async () => {
    for (const f of [result.files.poster, ...result.files.thumbnails]) {
      const head = (await readFile(join(out, f))).subarray(0, 3);
      assert.deepEqual([...head], [0xff, 0xd8, 0xff], f);
    }
  });
});

test('encodeVideo: odd-sized 4:4:4 source without audio', async () => {
  const source = join(dir, 'odd.mkv');
  const { execFile } = await import('node:child_process');
  await new Promise<void>((resolve, reject) =>
    execFile(ffmpegPath, ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=321x181:r=30:d=3',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', source], (e) => (e ? reject(e) : resolve())),
  );
  const result = await encode(source, 'out-odd');
  assert.equal(result.audio, false);
  assert.equal(result.audioCodec, undefined);
  assert.ok(result.renditions.length >= 4);
  assert.deepEqual(result.renditions[0], { name: '180p', width: 320, height: 180, videoKbps: result.renditions[0]!.videoKbps, codec: result.renditions[0]!.codec });
  for (const r of result.renditions) assert.ok(r.width % 2 === 0 && r.height % 2 === 0);
  const master = await readFile(join(dir, 'out-odd', 'master.m3u8'), 'utf8');
  assert.doesNotMatch(master, /TYPE=AUDIO/);
  const mpd = await readFile(join(dir, 'out-odd', 'manifest.mpd'), 'utf8');
  assert.doesNotMatch(mpd, /audio\/mp4/);
});

test('encodeVideo rejects bad media and publishes nothing', async (t) => {
  const real = await makeClip(dir, 'real-index-last.mp4', { seconds: 5, width: 320, height: 240, faststart: false });
  const realFast = await makeClip(dir, 'real-index-first.mp4', { seconds: 5, width: 320, height: 240, faststart: true });
  const cut = async (from: string, name: string) => {
    const bytes = await readFile(from);
    const file = join(dir, name);
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length * 0.3)));
    return file;
  };
  const cases: Array<[string, () => Promise<string>, string]> = [
    ['random bytes named .mp4', async () => {
      const file = join(dir, 'random.mp4');
      await writeFile(file, randomBytes(100_000));
      return file;
    }, 'not_a_video'],
    ['a zero-byte file', async () => {
      const file = join(dir, 'zero.mp4');
      await writeFile(file, '');
      return file;
    }, 'not_a_video'],
    ['an audio-only file', () => makeClip(dir, 'audio-only.m4a', { seconds: 3, audioOnly: true }), 'not_a_video'],
    ['the first 30% of an MP4 with its index at the end', () => cut(real, 'cut-index-last.mp4'), 'media_corrupt'],
    // ffprobe reads this one happily (the index is intact); only decoding finds the missing 70%.
    ['the first 30% of an MP4 with its index first', () => cut(realFast, 'cut-index-first.mp4'), 'media_corrupt'],
  ];
  for (const [name, make, code] of cases) {
    await t.test(name, async () => {
      const file = await make();
      const outName = `out-bad-${code}-${name.length}`;
      await assert.rejects(encode(file, outName), rejectedWith(code));
      const left = existsSync(join(dir, outName)) ? await readdir(join(dir, outName)) : [];
      assert.deepEqual(left, [], 'nothing published, no staging left');
    });
  }
});

test('encodeVideo stops and cleans up when aborted', async () => {
  const source = await makeClip(dir, 'abort.mp4', { seconds: 6, width: 320, height: 240 });
  const controller = new AbortController();
  const run = encode(source, 'out-abort', {
    signal: controller.signal,
    onProgress: (stage) => {
      if (stage === 'encode') controller.abort();
    },
  });
  await assert.rejects(run, { name: 'AbortError' });
  assert.deepEqual(await readdir(join(dir, 'out-abort')), []);
});

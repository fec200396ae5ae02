/**
 * Encoding a source with two audio tracks of very different loudness (English stereo, French
 * 5.1) through the real pipeline: every track gets its own adaptation sets with its language,
 * the 5.1 keeps six channels, and both come out at EBU R128's -23 LUFS.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { encodeVideo } from './encodeTitle.ts';
import { readRepresentations, segmentName, type MpdRepresentation } from './manifests.ts';
import { ffmpegPath, ffprobePath, tempDir } from './testSupport.ts';

const run = promisify(execFile);
const { dir, cleanup } = await tempDir('audio');
test.after(cleanup);

const SECONDS = 8;

/** testsrc2 video; English: a loud stereo tone (about -13 LUFS); French: a quiet 5.1 tone (about -34 LUFS). */
async function makeTwoLanguageClip(path: string): Promise<void> {
  await run(ffmpegPath, [
    ...['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'],
    ...['-f', 'lavfi', '-i', `testsrc2=s=320x240:r=25:d=${SECONDS}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SECONDS},volume=6dB,pan=stereo|c0=c0|c1=c0`],
    ...['-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=48000:duration=${SECONDS},volume=-20dB,pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0`],
    ...['-map', '0', '-map', '1', '-map', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...['-c:a', 'aac', '-b:a:0', '128k', '-b:a:1', '384k', '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra'],
    path,
  ]);
}

/** Integrated loudness (LUFS) of one audio stream, by loudnorm's meter: not the ebur128 the pipeline measured with. */
async function integratedLoudness(file: string, stream = 'a:0'): Promise<number> {
  const { stderr } = await run(ffmpegPath, ['-hide_banner', '-nostdin', '-nostats', '-i', file, '-map', `0:${stream}`, '-af', 'loudnorm=print_format=json', '-f', 'null', '-']);
  const value = /"input_i" : "(-?[\d.]+)"/.exec(stderr)?.[1];
  assert.ok(value, stderr.slice(-2000));
  return Number(value);
}

async function joined(outDir: string, rep: MpdRepresentation, name: string): Promise<string> {
  const files = [segmentName(rep.initialization!, rep.id)];
  for (let n = 1; n <= Math.ceil(SECONDS / 4); n++) files.push(segmentName(rep.media!, rep.id, n));
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(await Promise.all(files.map((f) => readFile(join(outDir, f))))));
  return path;
}

test('two audio tracks: own adaptation sets per language and layout, 5.1 kept, all at -23 LUFS', async (t) => {
  const source = join(dir, 'two-languages.mp4');
  await makeTwoLanguageClip(source);
  const sourceLoudness = [await integratedLoudness(source, 'a:0'), await integratedLoudness(source, 'a:1')];
  const outDir = join(dir, 'out');
  const result = await encodeVideo({ ffmpegPath, ffprobePath, sourcePath: source, outDir, preset: 'ultrafast', vp9Rungs: 0 });
  const mpd = await readFile(join(outDir, result.files.dash), 'utf8');
  const master = await readFile(join(outDir, result.files.hls), 'utf8');

  await t.test('the result lists every rendition', () => {
    assert.deepEqual(result.audioTracks, [
      { language: 'en', channels: 2, kbps: 128, codec: 'mp4a.40.2' },
      { language: 'fr', channels: 2, kbps: 128, codec: 'mp4a.40.2' },
      { language: 'fr', channels: 6, kbps: 384, codec: 'mp4a.40.2' },
    ]);
  });

  const audioSets = [...mpd.matchAll(/<AdaptationSet\b([^>]*contentType="audio"[^>]*)>([\s\S]*?)<\/AdaptationSet>/g)].map((m) => ({
    lang: /lang="([^"]*)"/.exec(m[1]!)?.[1],
    channels: [...m[2]!.matchAll(/audio_channel_configuration:2011" value="(\d+)"/g)].map((c) => Number(c[1])),
    reps: readRepresentations(m[2]!),
  }));

  await t.test('MPD: one audio adaptation set per language and layout, each with its lang', () => {
    assert.deepEqual(audioSets.map((s) => [s.lang, s.channels]), [['en', [2]], ['fr', [2]], ['fr', [6]]]);
    assert.deepEqual([...new Set(audioSets.map((s) => s.lang))], ['en', 'fr'], 'both languages listed');
  });

  await t.test('HLS master: an EXT-X-MEDIA per rendition with LANGUAGE and CHANNELS, in the variants\' group', () => {
    const media = master.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=AUDIO'));
    assert.deepEqual(
      media.map((l) => [/LANGUAGE="([^"]*)"/.exec(l)?.[1], /CHANNELS="([^"]*)"/.exec(l)?.[1], /NAME="([^"]*)"/.exec(l)?.[1]]),
      [['en', '2', 'en stereo'], ['fr', '2', 'fr stereo'], ['fr', '6', 'fr 5.1']],
    );
    const group = /GROUP-ID="([^"]*)"/.exec(media[0]!)?.[1];
    assert.ok(media.every((l) => l.includes(`GROUP-ID="${group}"`)));
    assert.ok(master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:')).every((l) => l.includes(`AUDIO="${group}"`)), master);
  });

  const files = await Promise.all(audioSets.map((s, i) => joined(outDir, s.reps[0]!, `audio-${i}.mp4`)));

  await t.test('the 5.1 rendition keeps six channels; the others are stereo', async () => {
    for (const [i, file] of files.entries()) {
      const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,channels,sample_rate', '-of', 'csv=p=0', file]);
      assert.equal(stdout.trim(), `aac,48000,${audioSets[i]!.channels[0]}`);
    }
  });

  await t.test('every rendition measures -23 LUFS within 1 LU, though the sources were over 20 LU apart', async () => {
    const measured = await Promise.all(files.map((f) => integratedLoudness(f)));
    t.diagnostic(`source tracks ${sourceLoudness.join(', ')} LUFS; renditions ${measured.join(', ')} LUFS`);
    assert.ok(sourceLoudness[0]! > -16 && sourceLoudness[1]! < -30, `the sources are far from the target (${sourceLoudness.join(', ')} LUFS)`);
    for (const [i, lufs] of measured.entries()) assert.ok(Math.abs(lufs - -23) <= 1, `rendition ${i}: ${lufs} LUFS (${measured.join(', ')})`);
  });
});

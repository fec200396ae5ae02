import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaRejectedError, parseAudioProbeJson, parseProbeJson, probeAudio, probeMedia } from './probe.ts';
import { ffprobePath, makeClip, tempDir } from './testSupport.ts';

const video = (extra: Record<string, unknown> = {}) => ({
  index: 0, codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, sample_aspect_ratio: '1:1', avg_frame_rate: '25/1', r_frame_rate: '25/1', ...extra,
});
const audio = (extra: Record<string, unknown> = {}) => ({ index: 1, codec_type: 'audio', codec_name: 'aac', channels: 2, ...extra });
const probeJson = (streams: unknown[], format: Record<string, unknown> = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.000000' }) =>
  JSON.stringify({ streams, format });

test('parseProbeJson reads what the encoder needs', async (t) => {
  const cases: Array<[string, string, Partial<ReturnType<typeof parseProbeJson>>]> = [
    ['plain H.264/AAC', probeJson([video(), audio({ tags: { language: 'eng' } })]),
      { durationSec: 10, width: 1280, height: 720, fps: 25, videoCodec: 'h264', videoStreamIndex: 0, hasAudio: true, audioStreams: [{ index: 1, codec: 'aac', channels: 2, language: 'eng' }] }],
    ['no audio', probeJson([video()]), { hasAudio: false, audioStreams: [] }],
    ['"und" language is dropped', probeJson([video(), audio({ tags: { language: 'und' } })]), { audioStreams: [{ index: 1, codec: 'aac', channels: 2 }] }],
    ['NTSC frame rate', probeJson([video({ avg_frame_rate: '30000/1001' })]), { fps: 30000 / 1001 }],
    ['avg_frame_rate unknown: falls back to r_frame_rate', probeJson([video({ avg_frame_rate: '0/0', r_frame_rate: '24/1' })]), { fps: 24 }],
    ['no usable frame rate: 25', probeJson([video({ avg_frame_rate: '0/0', r_frame_rate: '90000/1' })]), { fps: 25 }],
    ['cover art before the video is skipped', probeJson([video({ index: 0, codec_name: 'mjpeg', width: 600, height: 600, disposition: { attached_pic: 1 } }), video({ index: 1 }), audio({ index: 2 })]),
      { videoStreamIndex: 1, videoCodec: 'h264', width: 1280 }],
    ['rotated phone video (side data)', probeJson([video({ width: 1920, height: 1080, side_data_list: [{ rotation: -90 }] })]), { width: 1080, height: 1920 }],
    ['rotated phone video (old rotate tag)', probeJson([video({ width: 1920, height: 1080, tags: { rotate: '270' } })]), { width: 1080, height: 1920 }],
    ['upside-down is not a rotation of the frame size', probeJson([video({ side_data_list: [{ rotation: 180 }] })]), { width: 1280, height: 720 }],
    ['anamorphic DVD pixels are squared', probeJson([video({ width: 720, height: 480, sample_aspect_ratio: '32:27' })]), { width: 853, height: 480 }],
    ['duration from the stream when the container has none', probeJson([video({ duration: '7.5' })], { format_name: 'matroska,webm' }), { durationSec: 7.5 }],
    ['duration unknown', probeJson([video()], { format_name: 'matroska,webm', duration: 'N/A' }), { durationSec: undefined }],
    ['silent audio track without channels is ignored', probeJson([video(), audio({ channels: 0 })]), { hasAudio: false }],
  ];
  for (const [name, json, expected] of cases) {
    await t.test(name, () => {
      const info = parseProbeJson(json);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(info[key as keyof typeof info], value, key);
    });
  }
});

test('parseProbeJson rejects what is not a video', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['audio only', probeJson([audio({ index: 0 })]), 'not_a_video'],
    ['cover art only (an MP3 with a picture)', probeJson([audio({ index: 0 }), video({ index: 1, codec_name: 'mjpeg', disposition: { attached_pic: 1 } })], { format_name: 'mp3', duration: '3' }), 'not_a_video'],
    ['a still image', probeJson([video({ codec_name: 'png' })], { format_name: 'png_pipe' }), 'not_a_video'],
    ['an image sequence', probeJson([video({ codec_name: 'mjpeg' })], { format_name: 'image2', duration: '0.04' }), 'not_a_video'],
    ['no streams at all', probeJson([]), 'not_a_video'],
    ['video without a size', probeJson([video({ width: 0, height: 0 })]), 'media_corrupt'],
    ['not JSON', '{"streams": [', 'media_corrupt'],
  ];
  for (const [name, json, code] of cases) {
    await t.test(name, () => assert.throws(() => parseProbeJson(json), (e: unknown) => e instanceof MediaRejectedError && e.code === code));
  }
});

test('probeMedia on real files', async (t) => {
  const { dir, cleanup } = await tempDir('probe');
  t.after(cleanup);
  const good = await makeClip(dir, 'good.mp4', { seconds: 3, width: 320, height: 240, faststart: false });
  const rejects = (code: string) => (e: unknown) => e instanceof MediaRejectedError && e.code === code;

  await t.test('a small H.264/AAC clip', async () => {
    const info = await probeMedia(ffprobePath, good);
    assert.equal(info.width, 320);
    assert.equal(info.height, 240);
    assert.equal(info.fps, 25);
    assert.equal(info.videoCodec, 'h264');
    assert.equal(info.hasAudio, true);
    assert.ok(Math.abs(info.durationSec - 3) < 0.1, String(info.durationSec));
  });

  await t.test('random bytes named .mp4 are not a video', async () => {
    const file = join(dir, 'random.mp4');
    await writeFile(file, randomBytes(64 * 1024));
    await assert.rejects(probeMedia(ffprobePath, file), rejects('not_a_video'));
  });

  await t.test('a zero-byte file is not a video', async () => {
    const file = join(dir, 'empty.mp4');
    await writeFile(file, '');
    await assert.rejects(probeMedia(ffprobePath, file), rejects('not_a_video'));
  });

  await t.test('a text file is not a video', async () => {
    const file = join(dir, 'notes.mp4');
    await writeFile(file, 'these are not the frames you are looking for\n'.repeat(100));
    await assert.rejects(probeMedia(ffprobePath, file), rejects('not_a_video'));
  });

  await t.test('an MP4 cut before its index is corrupt', async () => {
    const bytes = await readFile(good);
    const file = join(dir, 'truncated.mp4');
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length * 0.3)));
    await assert.rejects(probeMedia(ffprobePath, file), rejects('media_corrupt'));
  });

  await t.test('audio only is not a video', async () => {
    const file = await makeClip(dir, 'audio.m4a', { seconds: 2, audioOnly: true });
    await assert.rejects(probeMedia(ffprobePath, file), rejects('not_a_video'));
  });

  await t.test('under a second is too short', async () => {
    const file = await makeClip(dir, 'short.mp4', { seconds: 0.5 });
    await assert.rejects(probeMedia(ffprobePath, file), rejects('media_too_short'));
  });

  await t.test('a missing file is our bug, not bad media', async () => {
    await assert.rejects(probeMedia(ffprobePath, join(dir, 'nope.mp4')), { code: 'ENOENT' });
  });
});

test('parseAudioProbeJson: an audio file (or a video with audio) lists its tracks; anything else is not_audio', async (t) => {
  const cases: Array<[string, string, unknown]> = [
    ['m4a', probeJson([audio({ index: 0, channels: 6, tags: { language: 'fra' } })], { format_name: 'mov,mp4,m4a', duration: '5.5' }), { durationSec: 5.5, audioStreams: [{ index: 0, codec: 'aac', channels: 6, language: 'fra' }] }],
    ['video with audio', probeJson([video(), audio({ tags: { language: 'und' } })]), { durationSec: 10, audioStreams: [{ index: 1, codec: 'aac', channels: 2 }] }],
    ['duration from the stream', probeJson([audio({ duration: '3.2' })], { format_name: 'wav' }), { durationSec: 3.2, audioStreams: [{ index: 1, codec: 'aac', channels: 2 }] }],
    ['no audio', probeJson([video()]), 'not_audio'],
    ['silent track without channels', probeJson([audio({ channels: 0 })]), 'not_audio'],
    ['no length', probeJson([audio()], { format_name: 'aac' }), 'not_audio'],
    ['not JSON', 'nonsense', 'not_audio'],
  ];
  for (const [name, json, expected] of cases) {
    await t.test(name, () => {
      if (typeof expected === 'string') assert.throws(() => parseAudioProbeJson(json), (e: unknown) => e instanceof MediaRejectedError && e.code === expected);
      else assert.deepEqual(parseAudioProbeJson(json), expected);
    });
  }
});

test('probeAudio on real files', async (t) => {
  const { dir, cleanup } = await tempDir('probe-audio');
  t.after(cleanup);
  await t.test('an audio-only file', async () => {
    const info = await probeAudio(ffprobePath, await makeClip(dir, 'tone.m4a', { seconds: 2, audioOnly: true }));
    assert.equal(info.audioStreams.length, 1);
    assert.ok(Math.abs(info.durationSec - 2) < 0.1, String(info.durationSec));
  });
  await t.test('random bytes are not audio', async () => {
    const path = join(dir, 'noise.m4a');
    await writeFile(path, randomBytes(4096));
    await assert.rejects(probeAudio(ffprobePath, path), (e: unknown) => e instanceof MediaRejectedError && e.code === 'not_audio');
  });
});

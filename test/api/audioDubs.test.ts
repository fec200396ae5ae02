import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { apiClient } from '../support/client.ts';
import { ffmpegPath } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { publishClip } from '../support/studio.ts';

const run = promisify(execFile);
const MAX_BYTES = 2 * 1024 * 1024;

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;
let titleId: string;
let videoId: string;

/** An audio-only file: a tone of `seconds`, with `channels` channels. */
async function makeAudio(name: string, seconds: number, channels: 2 | 6): Promise<Buffer> {
  const path = join(server.dataDir, name);
  const layout = channels === 6 ? 'pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0' : 'pan=stereo|c0=c0|c1=c0';
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=550:sample_rate=48000:duration=${seconds},${layout}`, '-c:a', 'aac', '-b:a', '192k', path]);
  return readFile(path);
}

const attach = (fields: Record<string, string>, file: { bytes: Buffer | string; name: string; type: string } | undefined, token = partnerToken, id = videoId) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new Blob([typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return api.call('POST', `/api/v1/studio/videos/${id}/audio`, { form, token });
};

const startPlayback = async () => {
  const viewer = await api.viewer();
  const pb = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
  assert.equal(pb.status, 200, JSON.stringify(pb.body));
  return pb.body as { manifests: { dash: string; hls: string } };
};
const base = (url: string) => url.slice(0, url.lastIndexOf('/') + 1);

before(async () => {
  // Two jobs at once, so dubs sent together are packaged side by side.
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', ENCODE_LADDER: 'fixed', UPLOAD_MAX_BYTES: String(MAX_BYTES), WORKER_CONCURRENCY: '2' }, { worker: true });
  api = apiClient(server.url);
  ({ token: partnerToken, titleId, videoId } = await publishClip(server, { name: 'Many Voices', seconds: 4, height: 144, protected: false }));
});
after(() => server.close());

describe('audio dubs', () => {
  test('a 5.1 French dub is packaged and listed in the MPD and HLS master a playback session gets', async () => {
    // Sent as ISO 639-2 (as audio tools tag it): listed as BCP 47 fr.
    const sent = await attach({ language: 'fra' }, { bytes: await makeAudio('dub-fr.m4a', 4, 6), name: 'dub-fr.m4a', type: 'audio/mp4' });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.equal(sent.body.language, 'fr');
    const job = await server.m.services.studio.waitForJob(sent.body.jobId, () => undefined, 200);
    assert.equal(job.status, 'succeeded');

    const pb = await startPlayback();
    const mpd = (await api.get(pb.manifests.dash)).body as string;
    const sets = [...mpd.matchAll(/<AdaptationSet\b([^>]*lang="fr"[^>]*)>([\s\S]*?)<\/AdaptationSet>/g)];
    assert.deepEqual(
      sets.map((s) => /audio_channel_configuration:2011" value="(\d)"/.exec(s[2]!)?.[1]),
      ['2', '6'],
      `a stereo and a 5.1 set for fr:\n${mpd}`,
    );
    // Every file the dub's sets name is served under the session's signed path.
    for (const [, , body] of sets) {
      const tpl = /<SegmentTemplate\b[^>]*initialization="([^"]+)"[^>]*media="([^"]+)"/.exec(body!);
      assert.ok(tpl, body);
      const id = /<Representation\b[^>]*id="([^"]+)"/.exec(body!)![1]!;
      for (const file of [tpl[1]!, tpl[2]!.replace('$Number%05d$', '00001')].map((f) => f.replaceAll('$RepresentationID$', id))) {
        const res = await fetch(`${server.url}${base(pb.manifests.dash)}${file}`);
        assert.equal(res.status, 200, file);
        assert.ok((await res.arrayBuffer()).byteLength > 0, file);
      }
    }

    const master = (await api.get(pb.manifests.hls)).body as string;
    const media = master.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=AUDIO') && l.includes('LANGUAGE="fr"'));
    assert.deepEqual(media.map((l) => /CHANNELS="(\d)"/.exec(l)?.[1]), ['2', '6'], master);
    const group = /GROUP-ID="([^"]+)"/.exec(media[0]!)![1];
    assert.ok(master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:')).every((l) => l.includes(`AUDIO="${group}"`)), master);
    const playlistUri = /URI="([^"]+)"/.exec(media[0]!)![1]!;
    const playlist = await fetch(`${server.url}${base(pb.manifests.hls)}${playlistUri}`).then((r) => r.text());
    assert.match(playlist, /#EXT-X-MAP:URI="[^"]+"/);
    const firstSegment = playlist.split('\n').find((l) => l && !l.startsWith('#'))!;
    assert.equal((await fetch(`${server.url}${base(pb.manifests.hls)}${base(playlistUri)}${firstSegment}`)).status, 200);

    const video = await api.get(`/api/v1/studio/videos/${videoId}`, partnerToken);
    assert.deepEqual(
      (video.body.files.audio as { language: string; channels: number; dubDir?: string }[]).filter((a) => a.dubDir).map((a) => [a.language, a.channels]),
      [['fr', 2], ['fr', 6]],
    );
    const title = await api.get(`/api/v1/studio/titles/${titleId}`, partnerToken);
    assert.ok((title.body.audioLanguages as string[]).includes('fr'), JSON.stringify(title.body.audioLanguages));
  });

  test('two dubs packaged at the same time are both listed, beside the one already there', async () => {
    const [it, ja] = await Promise.all([
      attach({ language: 'it' }, { bytes: await makeAudio('dub-it.m4a', 4, 2), name: 'dub-it.m4a', type: 'audio/mp4' }),
      attach({ language: 'ja' }, { bytes: await makeAudio('dub-ja.m4a', 4, 2), name: 'dub-ja.m4a', type: 'audio/mp4' }),
    ]);
    assert.equal(it.status, 202, JSON.stringify(it.body));
    assert.equal(ja.status, 202, JSON.stringify(ja.body));
    const jobs = await Promise.all([it, ja].map((r) => server.m.services.studio.waitForJob(r.body.jobId, () => undefined, 200)));
    assert.deepEqual(jobs.map((j) => j.status), ['succeeded', 'succeeded']);

    const pb = await startPlayback();
    const mpd = (await api.get(pb.manifests.dash)).body as string;
    const master = (await api.get(pb.manifests.hls)).body as string;
    for (const language of ['fr', 'it', 'ja']) {
      assert.match(mpd, new RegExp(`<AdaptationSet\\b[^>]*lang="${language}"`), `${language} in the MPD:\n${mpd}`);
      assert.match(master, new RegExp(`#EXT-X-MEDIA:TYPE=AUDIO[^\\n]*LANGUAGE="${language}"`), `${language} in the HLS master:\n${master}`);
    }
    const video = await api.get(`/api/v1/studio/videos/${videoId}`, partnerToken);
    assert.deepEqual(
      (video.body.files.audio as { language: string; dubDir?: string }[]).filter((a) => a.dubDir).map((a) => a.language).sort(),
      ['fr', 'fr', 'it', 'ja'],
    );
  });

  test('a dub of a protected video is encrypted with the title\'s key and declared like the rest', async () => {
    const { token: owner, videoId: protectedVideo } = await publishClip(server, { name: 'Quiet Words', seconds: 4, height: 144, protected: true });

    const dub = await attach({ language: 'es' }, { bytes: await makeAudio('dub-es.m4a', 4, 2), name: 'dub-es.m4a', type: 'audio/mp4' }, owner, protectedVideo);
    assert.equal(dub.status, 202, JSON.stringify(dub.body));
    assert.equal((await server.m.services.studio.waitForJob(dub.body.jobId, () => undefined, 200)).status, 'succeeded');

    const kid = (await api.get(`/api/v1/studio/videos/${protectedVideo}`, owner)).body.files.protection.kid as string;
    const viewer = await api.viewer();
    const pb = await api.post(`/api/v1/playback/${protectedVideo}/start`, {}, viewer.profileToken);
    assert.equal(pb.status, 200, JSON.stringify(pb.body));
    const mpd = (await api.get(pb.body.manifests.dash)).body as string;
    const set = /<AdaptationSet\b[^>]*lang="es"[^>]*>([\s\S]*?)<\/AdaptationSet>/.exec(mpd);
    assert.ok(set, mpd);
    assert.match(set[1]!, /<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc"/);
    const init = /initialization="([^"]+)"/.exec(set[1]!)![1]!;
    const bytes = Buffer.from(await (await fetch(`${server.url}${base(pb.body.manifests.dash)}${init}`)).arrayBuffer());
    assert.ok(bytes.includes(Buffer.from('enca')), 'the dub\'s sample entry is encrypted audio');
    assert.ok(bytes.includes(Buffer.from(kid, 'hex')), 'under the title\'s key id');
  });

  test('bad input is refused with a clear code and changes nothing', async () => {
    const audio = await makeAudio('dub-de.m4a', 4, 2);
    const cases: { name: string; res: () => ReturnType<typeof attach>; status: number; code: string }[] = [
      { name: 'text file', res: () => attach({ language: 'de' }, { bytes: 'hello', name: 'notes.txt', type: 'text/plain' }), status: 415, code: 'not_an_audio_type' },
      { name: 'not audio inside', res: () => attach({ language: 'de' }, { bytes: Buffer.alloc(4096, 7), name: 'dub.m4a', type: 'audio/mp4' }), status: 415, code: 'not_audio' },
      { name: 'much longer than the video', res: async () => attach({ language: 'de' }, { bytes: await makeAudio('long.m4a', 20, 2), name: 'long.m4a', type: 'audio/mp4' }), status: 422, code: 'audio_duration_mismatch' },
      { name: 'language already there', res: () => attach({ language: 'fr' }, { bytes: audio, name: 'dub.m4a', type: 'audio/mp4' }), status: 409, code: 'audio_language_exists' },
      { name: 'same language, other spelling', res: () => attach({ language: 'fre' }, { bytes: audio, name: 'dub.m4a', type: 'audio/mp4' }), status: 409, code: 'audio_language_exists' },
      { name: 'bad language', res: () => attach({ language: 'German' }, { bytes: audio, name: 'dub.m4a', type: 'audio/mp4' }), status: 400, code: 'invalid_language' },
      { name: 'no language', res: () => attach({}, { bytes: audio, name: 'dub.m4a', type: 'audio/mp4' }), status: 400, code: 'language_required' },
      { name: 'no file', res: () => attach({ language: 'de' }, undefined), status: 400, code: 'file_required' },
      { name: 'over UPLOAD_MAX_BYTES', res: () => attach({ language: 'de' }, { bytes: Buffer.alloc(MAX_BYTES + 1), name: 'dub.m4a', type: 'audio/mp4' }), status: 413, code: 'upload_too_large' },
      { name: 'unknown video', res: () => attach({ language: 'de' }, { bytes: audio, name: 'dub.m4a', type: 'audio/mp4' }, partnerToken, 'no-such-video'), status: 404, code: 'video_not_found' },
      { name: 'another partner', res: async () => attach({ language: 'de' }, { bytes: audio, name: 'dub.m4a', type: 'audio/mp4' }, await server.partnerToken()), status: 403, code: 'not_title_owner' },
    ];
    for (const c of cases) {
      const res = await c.res();
      assert.equal(res.status, c.status, `${c.name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, c.code, c.name);
    }
    const mpd = (await api.get((await startPlayback()).manifests.dash)).body as string;
    assert.ok(!mpd.includes('lang="de"'));
    assert.equal([...mpd.matchAll(/lang="fr"/g)].length, 2, 'still the one French stereo + 5.1');
  });
});

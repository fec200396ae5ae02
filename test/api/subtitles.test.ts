import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { publishClip } from '../support/studio.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;
let videoId: string;

const upload = (fields: Record<string, string>, file: Buffer | string | undefined, token = partnerToken, id = videoId) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file !== undefined) form.set('file', new Blob([typeof file === 'string' ? file : new Uint8Array(file)]), 'subs.srt');
  return api.call('POST', `/api/v1/studio/videos/${id}/subtitles`, { form, token });
};

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', ENCODE_LADDER: 'fixed' }, { worker: true });
  api = apiClient(server.url);
  ({ token: partnerToken, videoId } = await publishClip(server, { name: 'Spoken Words', seconds: 2, height: 144, protected: false }));
});
after(() => server.close());

describe('subtitles', () => {
  test('a valid SRT becomes WebVTT, listed in the MPD and HLS master a playback session gets', async () => {
    const srt = '1\r\n00:00:00,200 --> 00:00:01,000\r\nHello\r\n\r\n2\r\n00:00:01,100 --> 00:00:01,900\r\nGoodbye\r\n';
    const added = await upload({ language: 'fr', label: 'Français' }, srt);
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.cues, 2);

    const viewer = await api.viewer();
    const pb = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
    assert.equal(pb.status, 200, JSON.stringify(pb.body));
    const base = (url: string) => url.slice(0, url.lastIndexOf('/') + 1);

    const mpd = (await api.get(pb.body.manifests.dash)).body as string;
    const set = /<AdaptationSet contentType="text" mimeType="text\/vtt" lang="fr">[\s\S]*?<BaseURL>([^<]+)<\/BaseURL>/.exec(mpd);
    assert.ok(set, mpd);
    const vtt = await fetch(`${server.url}${base(pb.body.manifests.dash)}${set[1]}`);
    assert.equal(vtt.status, 200);
    assert.equal(vtt.headers.get('content-type'), 'text/vtt');
    assert.equal(await vtt.text(), 'WEBVTT\n\n00:00:00.200 --> 00:00:01.000\nHello\n\n00:00:01.100 --> 00:00:01.900\nGoodbye\n');

    const master = (await api.get(pb.body.manifests.hls)).body as string;
    const media = /#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Français",LANGUAGE="fr",.*URI="([^"]+)"/.exec(master);
    assert.ok(media, master);
    assert.ok(master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:')).every((l) => l.includes('SUBTITLES="subs"')), master);
    const playlist = await fetch(`${server.url}${base(pb.body.manifests.hls)}${media[1]}`).then((r) => r.text());
    assert.match(playlist, /#EXTINF:[\d.]+,\nfr.vtt\n#EXT-X-ENDLIST/);

    // Uploading the language again replaces it rather than listing it twice.
    assert.equal((await upload({ language: 'fr' }, srt)).status, 201);
    const again = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
    const mpd2 = (await api.get(again.body.manifests.dash)).body as string;
    assert.equal([...mpd2.matchAll(/lang="fr"/g)].length, 1);
  });

  test('bad files are refused with a report naming the line; nothing is listed', async () => {
    const overlapping = '1\n00:00:00,000 --> 00:00:01,000\nA\n\n2\n00:00:00,500 --> 00:00:01,500\nB\n';
    const cases: { name: string; file: Buffer | string; line: number; problem: RegExp }[] = [
      { name: 'overlap', file: overlapping, line: 6, problem: /overlapping/ },
      { name: 'past the end', file: '1\n00:00:01,000 --> 00:00:05,000\nLate\n', line: 2, problem: /past the end/ },
      { name: 'bad timestamp', file: '1\n0:00:01 --> 00:00:01,500\nX\n', line: 2, problem: /bad timestamp/ },
      { name: 'not UTF-8', file: Buffer.from([0x31, 0x0a, 0xff, 0xfe, 0x0a]), line: 2, problem: /UTF-8/ },
      { name: 'empty', file: '', line: 1, problem: /empty/ },
    ];
    for (const c of cases) {
      const res = await upload({ language: 'de' }, c.file);
      assert.equal(res.status, 400, `${c.name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'invalid_subtitles');
      assert.equal(res.body.error.report[0].line, c.line, c.name);
      assert.match(res.body.error.report[0].problem, c.problem, c.name);
    }
    const video = await api.get(`/api/v1/studio/videos/${videoId}`, partnerToken);
    assert.ok(!(video.body.files.subtitles as { language: string }[]).some((s) => s.language === 'de'));
  });

  test('only the owning partner (or an admin) may add subtitles; language and file are required; size is capped', async () => {
    const good = '1\n00:00:00,000 --> 00:00:01,000\nHi\n';
    assert.equal((await upload({ language: 'es' }, good, await server.partnerToken())).status, 403);
    assert.equal((await upload({ language: 'es' }, good, partnerToken, 'no-such-video')).status, 404);
    assert.equal((await upload({ language: 'Spanish' }, good)).body.error.code, 'invalid_language');
    assert.equal((await upload({}, good)).body.error.code, 'language_required');
    assert.equal((await upload({ language: 'es' }, undefined)).body.error.code, 'file_required');
    const huge = await upload({ language: 'es' }, Buffer.alloc(2 * 1024 * 1024 + 1, 'a'));
    assert.equal(huge.status, 413, JSON.stringify(huge.body));
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withRedundantVariants } from './hls.ts';

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_1",DEFAULT=YES,URI="media_2.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=72654,RESOLUTION=320x180,CODECS="avc1.42c00c,mp4a.40.2",AUDIO="group_A1"
media_0.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="group_A1"
media_1.m3u8
`;

const streams = (m3u8: string) => {
  const lines = m3u8.split('\n');
  return lines.flatMap((l, i) => (l.startsWith('#EXT-X-STREAM-INF') ? [[/BANDWIDTH=(\d+)/.exec(l)![1], /AUDIO="([^"]+)"/.exec(l)?.[1], lines[i + 1]]] : []));
};
const media = (m3u8: string) => [...m3u8.matchAll(/#EXT-X-MEDIA:.*GROUP-ID="([^"]+)".*URI="([^"]+)"/g)].map((m) => [m[1], m[2]]);

const cases: { name: string; bases: string[]; streams: string[][]; media: string[][] }[] = [
  {
    name: 'one alternative: variants made absolute on it',
    bases: ['http://e1/media/t/a/'],
    streams: [['72654', 'group_A1', 'http://e1/media/t/a/media_0.m3u8'], ['300000', 'group_A1', 'http://e1/media/t/a/media_1.m3u8']],
    media: [['group_A1', 'http://e1/media/t/a/media_2.m3u8']],
  },
  {
    name: 'three alternatives: each variant once per host, primary first, backups with their own audio group',
    bases: ['http://e1/m/', 'http://e2/m/', 'http://origin/m/'],
    streams: [
      ['72654', 'group_A1', 'http://e1/m/media_0.m3u8'],
      ['300000', 'group_A1', 'http://e1/m/media_1.m3u8'],
      ['72654', 'group_A1-cdn1', 'http://e2/m/media_0.m3u8'],
      ['300000', 'group_A1-cdn1', 'http://e2/m/media_1.m3u8'],
      ['72654', 'group_A1-cdn2', 'http://origin/m/media_0.m3u8'],
      ['300000', 'group_A1-cdn2', 'http://origin/m/media_1.m3u8'],
    ],
    media: [['group_A1', 'http://e1/m/media_2.m3u8'], ['group_A1-cdn1', 'http://e2/m/media_2.m3u8'], ['group_A1-cdn2', 'http://origin/m/media_2.m3u8']],
  },
];

for (const c of cases) {
  test(`withRedundantVariants: ${c.name}`, () => {
    const out = withRedundantVariants(MASTER, c.bases);
    assert.ok(out.startsWith('#EXTM3U\n#EXT-X-VERSION:7\n'));
    assert.equal((out.match(/#EXTM3U/g) ?? []).length, 1);
    assert.deepEqual(streams(out), c.streams);
    assert.deepEqual(media(out), c.media);
  });
}

test('withRedundantVariants leaves media playlists, absolute URIs and empty alternatives alone', () => {
  const mediaPlaylist = '#EXTM3U\n#EXT-X-MAP:URI="init-stream0.mp4"\n#EXTINF:2.0,\nchunk-stream0-00001.mp4\n';
  assert.equal(withRedundantVariants(mediaPlaylist, ['http://e1/']), mediaPlaylist);
  assert.equal(withRedundantVariants(MASTER, []), MASTER);
  const abs = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttps://elsewhere/v.m3u8\n';
  assert.deepEqual(streams(withRedundantVariants(abs, ['http://e1/', 'http://e2/'])).map((s) => s[2]), ['https://elsewhere/v.m3u8', 'https://elsewhere/v.m3u8']);
});

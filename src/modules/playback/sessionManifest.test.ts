import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type RenditionLimits, type SubtitleTrack, allowedRepresentations, codecFamily, filterHlsMaster, filterMpd, sessionLimits, withContentProtection, withHlsSubtitles, withMpdSubtitles } from './sessionManifest.ts';

const rep = (id: number, codecs: string, height: number) =>
  `\t\t\t<Representation id="${id}" mimeType="video/mp4" codecs="${codecs}" bandwidth="${height * 1000}" width="${Math.round((height * 16) / 9)}" height="${height}" frameRate="25/1">\n\t\t\t\t<SegmentTemplate timescale="1000000" duration="4000000" initialization="init-stream$RepresentationID$.mp4" media="chunk-stream$RepresentationID$-$Number%05d$.mp4" startNumber="1">\n\t\t\t\t</SegmentTemplate>\n\t\t\t</Representation>\n`;

const MPD = `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8.0S">
\t<Period id="0" start="PT0.0S">
\t\t<AdaptationSet id="0" contentType="video" segmentAlignment="true" bitstreamSwitching="true" lang="und">
${rep(0, 'avc1.640028', 1080)}${rep(1, 'avc1.64001f', 720)}${rep(2, 'avc1.64001e', 480)}${rep(3, 'avc1.640015', 240)}\t\t</AdaptationSet>
\t\t<AdaptationSet id="1" contentType="video" segmentAlignment="true" lang="und">
${rep(4, 'hvc1.1.6.L150.90', 2160)}${rep(5, 'hvc1.1.6.L120.90', 1080)}\t\t</AdaptationSet>
\t\t<AdaptationSet id="2" contentType="audio" segmentAlignment="true" lang="und">
\t\t\t<Representation id="6" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="128000" audioSamplingRate="48000">
\t\t\t</Representation>
\t\t</AdaptationSet>
\t</Period>
</MPD>
`;

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_6",DEFAULT=YES,URI="media_6.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",AUDIO="group_A1"
media_0.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="group_A1"
media_1.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=854x480,CODECS="avc1.64001e,mp4a.40.2",AUDIO="group_A1"
media_2.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2",AUDIO="group_A1"
media_3.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=9000000,RESOLUTION=3840x2160,CODECS="hvc1.1.6.L150.90,mp4a.40.2",AUDIO="group_A1"
media_4.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1920x1080,CODECS="hvc1.1.6.L120.90,mp4a.40.2",AUDIO="group_A1"
media_5.m3u8
`;

const LADDER = [
  { height: 1080, codec: 'avc1.640028' },
  { height: 720, codec: 'avc1.64001f' },
  { height: 480, codec: 'avc1.64001e' },
  { height: 240, codec: 'avc1.640015' },
  { height: 2160, codec: 'hvc1.1.6.L150.90' },
  { height: 1080, codec: 'hvc1.1.6.L120.90' },
];

const ids = (mpd: string) => [...mpd.matchAll(/<Representation id="(\d+)"/g)].map((m) => Number(m[1]));
const variants = (m3u8: string) => m3u8.split('\n').filter((l) => /^media_\d+\.m3u8$/.test(l)).map((l) => Number(/\d+/.exec(l)![0]));

describe('sessionLimits: plan and device decide the renditions', () => {
  const cases: { name: string; plan: number; device?: { maxHeight?: number; codecs?: string[] }; maxHeight: number; videoCodecs?: string[] }[] = [
    { name: 'basic: 720p, any declared codec', plan: 720, maxHeight: 720 },
    { name: 'standard: 1080p', plan: 1080, maxHeight: 1080 },
    { name: 'premium: the top rung', plan: 2160, maxHeight: 2160 },
    { name: 'premium on an H.264-only device: its top H.264 rung', plan: 2160, device: { codecs: ['h264', 'aac'] }, maxHeight: 1080, videoCodecs: ['h264'] },
    { name: 'premium on a 480-line screen', plan: 2160, device: { maxHeight: 500 }, maxHeight: 480 },
    { name: 'a screen smaller than every rung still gets the smallest', plan: 720, device: { maxHeight: 100 }, maxHeight: 240 },
    { name: 'exact codec strings count by family', plan: 2160, device: { codecs: ['hvc1.1.6.L120.90'] }, maxHeight: 2160, videoCodecs: ['hevc'] },
    { name: 'a device that decodes none of the ladder gets H.264', plan: 1080, device: { codecs: ['av1'] }, maxHeight: 1080, videoCodecs: ['h264'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const limits = sessionLimits(LADDER, c.plan, c.device);
      assert.equal(limits.maxHeight, c.maxHeight);
      assert.deepEqual(limits.videoCodecs, c.videoCodecs);
    });
  }
});

describe('filterMpd and filterHlsMaster list only the allowed renditions', () => {
  const cases: { name: string; limits: RenditionLimits; mpd: number[]; hls: number[] }[] = [
    { name: 'no cap below the top', limits: { maxHeight: 2160 }, mpd: [0, 1, 2, 3, 4, 5, 6], hls: [0, 1, 2, 3, 4, 5] },
    { name: 'basic 720p', limits: { maxHeight: 720 }, mpd: [1, 2, 3, 6], hls: [1, 2, 3] },
    { name: 'standard 1080p', limits: { maxHeight: 1080 }, mpd: [0, 1, 2, 3, 5, 6], hls: [0, 1, 2, 3, 5] },
    { name: 'H.264 only', limits: { maxHeight: 2160, videoCodecs: ['h264'] }, mpd: [0, 1, 2, 3, 6], hls: [0, 1, 2, 3] },
    { name: 'HEVC only, 1080p', limits: { maxHeight: 1080, videoCodecs: ['hevc'] }, mpd: [5, 6], hls: [5] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const mpd = filterMpd(MPD, c.limits);
      assert.deepEqual(ids(mpd), c.mpd);
      assert.equal((mpd.match(/<AdaptationSet\b/g) ?? []).length, (mpd.match(/<\/AdaptationSet>/g) ?? []).length, 'well formed');
      assert.ok(!/<AdaptationSet\b[^>]*>\s*<\/AdaptationSet>/.test(mpd), 'no empty adaptation sets');
      const hls = filterHlsMaster(MASTER, c.limits);
      assert.deepEqual(variants(hls), c.hls);
      assert.match(hls, /#EXT-X-MEDIA:TYPE=AUDIO/);
      assert.equal(hls.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF')).length, c.hls.length, 'every tag kept its URI');
    });
  }
  for (const c of cases) {
    test(`allowedRepresentations for the signed token: ${c.name}`, () => {
      const kept = allowedRepresentations(MPD, c.limits);
      assert.deepEqual(kept?.map(Number), c.mpd.length === 7 ? undefined : c.mpd, 'the same rule as the manifest; undefined when all are allowed');
    });
  }
  test('an adaptation set left with no representation goes', () => assert.equal((filterMpd(MPD, { maxHeight: 1080, videoCodecs: ['hevc'] }).match(/<AdaptationSet\b/g) ?? []).length, 2));
});

test('withContentProtection declares cenc, ClearKey and the common system in every adaptation set', () => {
  const out = withContentProtection(MPD, { kid: '0123456789ABCDEF0123456789abcdef', pssh: 'cHNzaA==' });
  assert.match(out, /<MPD xmlns:cenc="urn:mpeg:cenc:2013"/);
  assert.equal((out.match(/schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="01234567-89ab-cdef-0123-456789abcdef"/g) ?? []).length, 3);
  assert.equal((out.match(/urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e/g) ?? []).length, 3);
  assert.equal((out.match(/<cenc:pssh>cHNzaA==<\/cenc:pssh>/g) ?? []).length, 6);
  assert.throws(() => withContentProtection(MPD, { kid: 'xyz', pssh: '' }), /32 hex/);
});

test('codecFamily', () => {
  for (const [codec, family] of [['avc1.64001f', 'h264'], ['avc3.4d401e', 'h264'], ['hev1.1.6.L93.B0', 'hevc'], ['vp09.00.40.08', 'vp9'], ['av01.0.08M.08', 'av1'], ['mp4a.40.2', 'aac'], ['xyz1.2', 'xyz1']]) {
    assert.equal(codecFamily(codec!), family, codec);
  }
});

describe('subtitle tracks are listed in both manifests', () => {
  const en: SubtitleTrack = { language: 'en', label: 'English', vtt: 'subtitles/v1/en.vtt', playlist: 'subtitles/v1/en.m3u8' };
  const ptBr: SubtitleTrack = { language: 'pt-BR', label: 'Português "BR"', vtt: 'subtitles/v1/pt-BR.vtt', playlist: 'subtitles/v1/pt-BR.m3u8' };
  const cases: { name: string; tracks: SubtitleTrack[]; textSets: number }[] = [
    { name: 'none', tracks: [], textSets: 0 },
    { name: 'one', tracks: [en], textSets: 1 },
    { name: 'two', tracks: [en, ptBr], textSets: 2 },
  ];
  for (const c of cases) {
    test(`MPD, ${c.name}: one text AdaptationSet per language, inside the Period`, () => {
      const out = withMpdSubtitles(MPD, c.tracks);
      assert.equal([...out.matchAll(/<AdaptationSet contentType="text" mimeType="text\/vtt"/g)].length, c.textSets);
      if (c.tracks.length === 0) return assert.equal(out, MPD);
      assert.match(out, /<AdaptationSet contentType="text" mimeType="text\/vtt" lang="en">[\s\S]*?<BaseURL>subtitles\/v1\/en.vtt<\/BaseURL>[\s\S]*?<\/AdaptationSet>\n\t<\/Period>/);
      assert.equal(out.replace(/\t\t<AdaptationSet contentType="text"[\s\S]*?<\/AdaptationSet>\n/g, ''), MPD, 'nothing else changes');
    });
    test(`HLS master, ${c.name}: a SUBTITLES rendition per language and every variant in group subs`, () => {
      const out = withHlsSubtitles(MASTER, c.tracks);
      const media = out.split('\n').filter((l) => l.startsWith('#EXT-X-MEDIA:TYPE=SUBTITLES'));
      assert.equal(media.length, c.textSets);
      if (c.tracks.length === 0) return assert.equal(out, MASTER);
      assert.equal(media[0], '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subtitles/v1/en.m3u8"');
      const variants = out.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
      assert.ok(variants.length > 0 && variants.every((v) => v.endsWith(',SUBTITLES="subs"')));
      assert.ok(out.indexOf('#EXT-X-MEDIA:TYPE=SUBTITLES') < out.indexOf('#EXT-X-STREAM-INF'), 'renditions before the variants');
    });
  }
  test('a media playlist is left alone', () => {
    const media = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nchunk-1.m4s\n#EXT-X-ENDLIST\n';
    assert.equal(withHlsSubtitles(media, [en]), media);
  });
  test('quotes in labels cannot break the markup', () => {
    assert.match(withMpdSubtitles(MPD, [ptBr]), /<Label>Português &quot;BR&quot;<\/Label>/);
    assert.match(withHlsSubtitles(MASTER, [ptBr]), /NAME="Português BR"/);
  });
});

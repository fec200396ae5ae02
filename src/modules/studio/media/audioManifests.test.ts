import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioOutputs } from './audioArgs.ts';
import { hlsMasterWithDub, labelHlsAudio, mpdAudioLanguages, mpdSegmentSec, mpdWithDub } from './audioManifests.ts';
import { readRepresentations } from './manifests.ts';

const TEMPLATE = 'initialization="init-stream$RepresentationID$.mp4" media="chunk-stream$RepresentationID$-$Number%05d$.mp4"';
const audioSet = (setId: number, repId: string, lang: string, channels: number, bandwidth: number) =>
  `\t\t<AdaptationSet id="${setId}" contentType="audio" segmentAlignment="true" bitstreamSwitching="true" lang="${lang}">\n` +
  `\t\t\t<Representation id="${repId}" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="${bandwidth}" audioSamplingRate="48000">\n` +
  `\t\t\t\t<AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="${channels}" />\n` +
  `\t\t\t\t<SegmentTemplate timescale="1000000" duration="4000000" ${TEMPLATE} startNumber="1">\n\t\t\t\t</SegmentTemplate>\n` +
  `\t\t\t</Representation>\n\t\t</AdaptationSet>\n`;
const mpdOf = (sets: string) => `<?xml version="1.0" encoding="utf-8"?>\n<MPD type="static">\n\t<Period id="0" start="PT0.0S">\n${sets}\t</Period>\n</MPD>\n`;

/** As the dash muxer writes them: a video set, then English stereo. */
const VIDEO_MPD = mpdOf(
  `\t\t<AdaptationSet id="0" contentType="video" segmentAlignment="true" bitstreamSwitching="true">\n` +
    `\t\t\t<Representation id="0" mimeType="video/mp4" codecs="avc1.42c00d" bandwidth="728090" width="320" height="240" frameRate="25/1">\n` +
    `\t\t\t\t<SegmentTemplate timescale="1000000" duration="4000000" ${TEMPLATE} startNumber="1">\n\t\t\t\t</SegmentTemplate>\n` +
    `\t\t\t</Representation>\n\t\t</AdaptationSet>\n` +
    audioSet(1, '1', 'en', 2, 128000),
);
/** A French 5.1 dub packaged on its own: stereo (rep 0) and 5.1 (rep 1). */
const DUB_MPD = mpdOf(audioSet(0, '0', 'fr', 2, 128000) + audioSet(1, '1', 'fr', 6, 384000));

const MASTER = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_1",DEFAULT=YES,URI="media_1.m3u8"',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_2",DEFAULT=NO,URI="media_2.m3u8"',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_3",DEFAULT=NO,URI="media_3.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=387043,RESOLUTION=320x240,CODECS="avc1.42c00d,mp4a.40.2",AUDIO="group_A1"',
  'media_0.m3u8',
  '',
].join('\n');

test('labelHlsAudio: each audio rendition gets its language, channels and a readable name', () => {
  const outputs = audioOutputs([{ index: 1, channels: 2, language: 'eng' }, { index: 2, channels: 6, language: 'fra' }], 1, 1);
  assert.equal(
    labelHlsAudio(MASTER, outputs),
    [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="en stereo",LANGUAGE="en",CHANNELS="2",DEFAULT=YES,AUTOSELECT=YES,URI="media_1.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="fr stereo",LANGUAGE="fr",CHANNELS="2",DEFAULT=NO,AUTOSELECT=YES,URI="media_2.m3u8"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="fr 5.1",LANGUAGE="fr",CHANNELS="6",DEFAULT=NO,AUTOSELECT=YES,URI="media_3.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=387043,RESOLUTION=320x240,CODECS="avc1.42c00d,mp4a.40.2",AUDIO="group_A1"',
      'media_0.m3u8',
      '',
    ].join('\n'),
  );
  const und = labelHlsAudio(MASTER, audioOutputs([{ index: 1, channels: 2 }], 1, 1));
  assert.match(und, /NAME="und stereo",CHANNELS="2",DEFAULT=YES/, 'no LANGUAGE for an unknown language');
  assert.ok(und.includes('NAME="audio_2"'), 'renditions it was not told about stay as they were');
});

test('mpdAudioLanguages and mpdSegmentSec read the packaged MPD', () => {
  assert.deepEqual(mpdAudioLanguages(VIDEO_MPD), ['en']);
  assert.deepEqual(mpdAudioLanguages(DUB_MPD), ['fr']);
  assert.equal(mpdSegmentSec(VIDEO_MPD), 4);
  assert.equal(mpdSegmentSec(VIDEO_MPD.replace(/duration="4000000"/g, 'duration="6006"').replace(/timescale="1000000"/g, 'timescale="1000"')), 6.006);
  assert.equal(mpdSegmentSec('<MPD></MPD>'), undefined);
});

test('mpdWithDub: each dub representation becomes its own audio set, its files under the dub folder', () => {
  const once = mpdWithDub(mpdWithDub(VIDEO_MPD, DUB_MPD, { language: 'fr', dir: 'dubs/fr', from: '0', id: 'dub-fr-2ch' }), DUB_MPD, { language: 'fr', dir: 'dubs/fr', from: '1', id: 'dub-fr-6ch' });
  assert.deepEqual(mpdAudioLanguages(once), ['en', 'fr']);
  assert.deepEqual([...once.matchAll(/<AdaptationSet id="(\d+)"[^>]*lang="(\w+)"/g)].map((m) => [m[1], m[2]]), [['1', 'en'], ['2', 'fr'], ['3', 'fr']], 'next free set ids');
  const reps = readRepresentations(once);
  assert.deepEqual(
    reps.map((r) => [r.id, r.bandwidth, r.initialization, r.media]),
    [
      ['0', 728090, 'init-stream$RepresentationID$.mp4', 'chunk-stream$RepresentationID$-$Number%05d$.mp4'],
      ['1', 128000, 'init-stream$RepresentationID$.mp4', 'chunk-stream$RepresentationID$-$Number%05d$.mp4'],
      ['dub-fr-2ch', 128000, 'dubs/fr/init-stream0.mp4', 'dubs/fr/chunk-stream0-$Number%05d$.mp4'],
      ['dub-fr-6ch', 384000, 'dubs/fr/init-stream1.mp4', 'dubs/fr/chunk-stream1-$Number%05d$.mp4'],
    ],
  );
  assert.match(once, /id="dub-fr-6ch"[^>]*>\s*<AudioChannelConfiguration [^>]*value="6" \/>/);
  assert.ok(once.endsWith('\t</Period>\n</MPD>\n'), once);
  assert.equal(mpdWithDub(once, DUB_MPD, { language: 'fr', dir: 'dubs/fr', from: '1', id: 'dub-fr-6ch' }), once, 'a retry adds nothing');
  assert.throws(() => mpdWithDub(VIDEO_MPD, DUB_MPD, { language: 'fr', dir: 'dubs/fr', from: '7', id: 'x' }), /no Representation 7/);
});

test('hlsMasterWithDub: joins the variants\' audio group; a master without audio gets a group', async (t) => {
  await t.test('existing group', () => {
    const out = hlsMasterWithDub(MASTER, { language: 'fr', channels: 6, uri: 'dubs/fr/media_1.m3u8', codec: 'mp4a.40.2' });
    const lines = out.split('\n');
    assert.equal(lines[5], '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="fr 5.1",LANGUAGE="fr",CHANNELS="6",DEFAULT=NO,AUTOSELECT=YES,URI="dubs/fr/media_1.m3u8"');
    assert.equal(lines[6], MASTER.split('\n')[5], 'variants unchanged');
    assert.equal(hlsMasterWithDub(out, { language: 'fr', channels: 6, uri: 'dubs/fr/media_1.m3u8', codec: 'mp4a.40.2' }), out, 'a retry adds nothing');
  });
  await t.test('silent video', () => {
    const silent = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x240,CODECS="avc1.42c00d"', 'media_0.m3u8', ''].join('\n');
    assert.equal(
      hlsMasterWithDub(silent, { language: 'de', channels: 2, uri: 'dubs/de/media_0.m3u8', codec: 'mp4a.40.2' }),
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="de stereo",LANGUAGE="de",CHANNELS="2",DEFAULT=YES,AUTOSELECT=YES,URI="dubs/de/media_0.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x240,CODECS="avc1.42c00d,mp4a.40.2",AUDIO="audio"',
        'media_0.m3u8',
        '',
      ].join('\n'),
    );
  });
});

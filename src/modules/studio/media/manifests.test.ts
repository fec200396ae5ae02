import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRelativeUri, playlistUris, readRepresentations, segmentName } from './manifests.ts';

// Trimmed from what this ffmpeg's dash muxer writes.
const MPD = `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT10.0S">
	<Period id="0" start="PT0.0S">
		<AdaptationSet id="0" contentType="video" segmentAlignment="true" bitstreamSwitching="true">
			<Representation id="0" mimeType="video/mp4" codecs="avc1.64001e" bandwidth="1000000" width="640" height="360" frameRate="25/1">
				<SegmentTemplate timescale="1000000" duration="4000000" initialization="init-stream$RepresentationID$.mp4" media="chunk-stream$RepresentationID$-$Number%05d$.mp4" startNumber="1">
				</SegmentTemplate>
			</Representation>
			<Representation id="1" mimeType="video/mp4" codecs="avc1.640015" bandwidth="400000" width="426" height="240" frameRate="25/1">
				<SegmentTemplate timescale="1000000" duration="4000000" initialization="init-stream$RepresentationID$.mp4" media="chunk-stream$RepresentationID$-$Number%05d$.mp4" startNumber="1">
				</SegmentTemplate>
			</Representation>
		</AdaptationSet>
		<AdaptationSet id="1" contentType="audio" segmentAlignment="true" bitstreamSwitching="true" lang="und">
			<Representation id="2" mimeType="audio/mp4" codecs="mp4a.40.2" bandwidth="128000" audioSamplingRate="48000">
				<SegmentTemplate timescale="1000000" duration="4000000" initialization="init-stream$RepresentationID$.mp4" media="chunk-stream$RepresentationID$-$Number%05d$.mp4" startNumber="1">
				</SegmentTemplate>
			</Representation>
		</AdaptationSet>
	</Period>
</MPD>`;

test('readRepresentations reads ids, codecs, sizes and templates', () => {
  const reps = readRepresentations(MPD);
  assert.deepEqual(
    reps.map((r) => [r.id, r.mimeType, r.codecs, r.bandwidth, r.width, r.height]),
    [
      ['0', 'video/mp4', 'avc1.64001e', 1000000, 640, 360],
      ['1', 'video/mp4', 'avc1.640015', 400000, 426, 240],
      ['2', 'audio/mp4', 'mp4a.40.2', 128000, undefined, undefined],
    ],
  );
  assert.equal(reps[0]!.initialization, 'init-stream$RepresentationID$.mp4');
  assert.equal(reps[2]!.media, 'chunk-stream$RepresentationID$-$Number%05d$.mp4');
});

test('playlistUris lists variant playlists, init segments and media segments', () => {
  const master = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_2",DEFAULT=YES,URI="media_2.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=1131729,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",AUDIO="group_A1"
media_0.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=529751,RESOLUTION=426x240,CODECS="avc1.640015,mp4a.40.2",AUDIO="group_A1"
media_1.m3u8
`;
  assert.deepEqual(playlistUris(master), ['media_2.m3u8', 'media_0.m3u8', 'media_1.m3u8']);
  const media = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:4
#EXT-X-MAP:URI="init-stream0.mp4"
#EXTINF:4.000000,
chunk-stream0-00001.mp4
#EXTINF:2.000000,
chunk-stream0-00002.mp4
#EXT-X-ENDLIST
`;
  assert.deepEqual(playlistUris(media), ['init-stream0.mp4', 'chunk-stream0-00001.mp4', 'chunk-stream0-00002.mp4']);
});

test('isRelativeUri', () => {
  for (const uri of ['media_0.m3u8', 'chunk-stream0-00001.mp4', 'sub/dir/x.mp4']) assert.equal(isRelativeUri(uri), true, uri);
  for (const uri of ['/tmp/out/media_0.m3u8', 'https://cdn/x.mp4', 'file:///tmp/x', 'C:\\x', '\\\\server\\x']) {
    assert.equal(isRelativeUri(uri), false, uri);
  }
});

test('segmentName expands the dash muxer templates', () => {
  assert.equal(segmentName('init-stream$RepresentationID$.$ext$', '3'), 'init-stream3.mp4');
  assert.equal(segmentName('init-stream$RepresentationID$.mp4', '3'), 'init-stream3.mp4');
  assert.equal(segmentName('chunk-stream$RepresentationID$-$Number%05d$.mp4', '0', 12), 'chunk-stream0-00012.mp4');
  assert.equal(segmentName('seg-$Number$.m4s', '1', 7), 'seg-7.m4s');
});

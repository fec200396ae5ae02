import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openingSegments, withBaseUrls } from './mpd.ts';

const MPD = `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">
\t<Period id="0" start="PT0.0S">
\t\t<AdaptationSet id="0"><SegmentTemplate media="chunk-stream$RepresentationID$-$Number%05d$.m4s"/></AdaptationSet>
\t</Period>
</MPD>
`;

test('withBaseUrls puts one BaseURL per alternative, in order, before the first Period', () => {
  const out = withBaseUrls(MPD, ['http://e1/media/t/a/', 'http://o/media/t/a/?x=1&y=2']);
  const bases = [...out.matchAll(/<BaseURL[^>]*>([^<]*)<\/BaseURL>/g)].map((m) => m[1]);
  assert.deepEqual(bases, ['http://e1/media/t/a/', 'http://o/media/t/a/?x=1&amp;y=2']);
  assert.ok(out.indexOf('<BaseURL') > out.indexOf('<MPD') && out.indexOf('<BaseURL') < out.indexOf('<Period'));
  assert.ok(out.includes('<SegmentTemplate media="chunk-stream$RepresentationID$-$Number%05d$.m4s"/>'));
});

test('withBaseUrls replaces BaseURLs already there, and leaves the MPD alone with no alternatives', () => {
  const once = withBaseUrls(MPD, ['http://old/']);
  const twice = withBaseUrls(once, ['http://new/']);
  assert.equal((twice.match(/<BaseURL/g) ?? []).length, 1);
  assert.ok(twice.includes('http://new/') && !twice.includes('http://old/'));
  assert.equal(withBaseUrls(MPD, []), MPD);
  assert.equal(withBaseUrls('not xml', ['http://x/']), 'not xml');
});

test('openingSegments lists init and first segments of every representation', () => {
  const mpd = `<MPD><Period>
  <AdaptationSet id="0" contentType="video"><SegmentTemplate timescale="12800" initialization="init-stream$RepresentationID$.$ext$" media="chunk-stream$RepresentationID$-$Number%05d$.$ext$" startNumber="1"/>
    <Representation id="0" bandwidth="1"/>
    <Representation id="1" bandwidth="2"></Representation>
  </AdaptationSet>
  <AdaptationSet id="1" contentType="audio">
    <Representation id="2" bandwidth="3"><SegmentTemplate initialization="a-init.mp4" media="a-$Number$.m4s" startNumber="5"/></Representation>
  </AdaptationSet>
</Period></MPD>`;
  assert.deepEqual(openingSegments(mpd, 2), ['init-stream0.mp4', 'chunk-stream0-00001.mp4', 'chunk-stream0-00002.mp4', 'init-stream1.mp4', 'chunk-stream1-00001.mp4', 'chunk-stream1-00002.mp4', 'a-init.mp4', 'a-5.m4s', 'a-6.m4s']);
  assert.deepEqual(openingSegments('<MPD/>', 3), []);
});

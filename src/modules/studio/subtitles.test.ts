import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSubtitles, formatTimestamp, isLanguageTag, parseTimestamp, subtitlePlaylist } from './subtitles.ts';

const srt = (...cues: string[]) => Buffer.from(cues.join('\n\n') + '\n');

describe('checkSubtitles', () => {
  const rejected: { name: string; file: Buffer; line: number; problem: RegExp }[] = [
    { name: 'empty file', file: Buffer.alloc(0), line: 1, problem: /empty/ },
    { name: 'blank lines only', file: Buffer.from('\n\n  \n'), line: 1, problem: /empty/ },
    { name: 'Latin-1 bytes on line 3', file: Buffer.concat([Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nCaf'), Buffer.from([0xe9]), Buffer.from('\n')]), line: 3, problem: /UTF-8/ },
    { name: 'overlapping cues', file: srt('1\n00:00:01,000 --> 00:00:03,000\nHello', '2\n00:00:02,500 --> 00:00:04,000\nAgain'), line: 6, problem: /overlapping the cue at line 2/ },
    { name: 'cue past the end', file: srt('1\n00:00:01,000 --> 00:00:02,000\nOK', '2\n00:00:09,000 --> 00:00:11,000\nLate'), line: 6, problem: /past the end of the video \(00:00:10.000\)/ },
    { name: 'minutes out of range', file: srt('1\n00:61:01,000 --> 00:61:02,000\nHi'), line: 2, problem: /bad timestamp/ },
    { name: 'missing milliseconds', file: srt('1\n00:00:01 --> 00:00:02,000\nHi'), line: 2, problem: /bad timestamp/ },
    { name: 'no timing line', file: srt('1\nHello there'), line: 1, problem: /expected a cue timing line/ },
    { name: 'end before start', file: srt('1\n00:00:05,000 --> 00:00:04,000\nHi'), line: 2, problem: /before it starts/ },
    { name: 'WebVTT with a bad timestamp', file: Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nfine\n\nxx:03.000 --> 00:04.000\nbad\n'), line: 6, problem: /bad timestamp/ },
    { name: 'WebVTT cue glued to the header', file: Buffer.from('WEBVTT\n00:01.000 --> 00:02.000\nHi\n'), line: 2, problem: /blank line/ },
    { name: 'header only', file: Buffer.from('WEBVTT\n'), line: 1, problem: /no cues/ },
  ];
  for (const c of rejected) {
    test(`rejects: ${c.name}`, () => {
      const result = checkSubtitles(c.file, 10);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.report[0]!.line, c.line, JSON.stringify(result.report));
      assert.match(result.report[0]!.problem, c.problem);
    });
  }

  test('reports every bad line, not just the first', () => {
    const result = checkSubtitles(srt('1\n00:00:01,000 --> 00:00:03,000\nA', '2\n00:00:02,000 --> 00:00:04,000\nB', '3\n00:00:20,000 --> 00:00:21,000\nC'), 10);
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.report.map((p) => p.line), [6, 10]);
  });

  test('converts SRT to WebVTT (BOM, CRLF and comma decimals handled)', () => {
    const file = Buffer.from('\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i>\r\nworld\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nBye\r\n');
    const result = checkSubtitles(file, 10);
    assert.ok(result.ok);
    assert.equal(result.format, 'srt');
    assert.equal(result.vtt, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<i>Hello</i>\nworld\n\n00:00:03.000 --> 00:00:04.000\nBye\n');
  });

  test('keeps WebVTT cue settings and ids aside, drops NOTE blocks', () => {
    const file = Buffer.from('WEBVTT - English\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:02.000 align:start line:0\nHi\n');
    const result = checkSubtitles(file, 2);
    assert.ok(result.ok);
    assert.equal(result.format, 'vtt');
    assert.equal(result.vtt, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start line:0\nHi\n');
  });
});

test('timestamps parse and format', () => {
  const cases: [string, number | undefined][] = [
    ['00:00:01,500', 1.5],
    ['01:02:03.004', 3723.004],
    ['02:03.004', 123.004],
    ['1:00:00.000', 3600],
    ['00:60:00,000', undefined],
    ['00:00:01.5', undefined],
    ['', undefined],
  ];
  for (const [text, sec] of cases) assert.equal(parseTimestamp(text), sec, text);
  assert.equal(formatTimestamp(3723.004), '01:02:03.004');
});

test('language tags', () => {
  for (const ok of ['en', 'pt-BR', 'zh-Hant', 'fil']) assert.ok(isLanguageTag(ok), ok);
  for (const bad of ['', 'EN', 'english', 'en_US', '../x']) assert.ok(!isLanguageTag(bad), bad);
});

test('the HLS playlist of a subtitle file spans the whole video', () => {
  const m3u8 = subtitlePlaylist('en.vtt', 12.4);
  assert.match(m3u8, /#EXT-X-TARGETDURATION:13\n/);
  assert.match(m3u8, /#EXTINF:12.400,\nen.vtt\n#EXT-X-ENDLIST/);
});

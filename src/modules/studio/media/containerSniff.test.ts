import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeMediaContainer } from './containerSniff.ts';

const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

test('looksLikeMediaContainer recognises container signatures', async (t) => {
  const ts = new Uint8Array(400);
  ts[0] = 0x47;
  ts[188] = 0x47;
  const cases: Array<[string, Uint8Array, boolean]> = [
    ['MP4 ftyp', bytes([0, 0, 0, 0x20], 'ftypisom'), true],
    ['MOV moov first', bytes([0, 0, 0x10, 0], 'moov'), true],
    ['MP4 mdat first (index at the end)', bytes([0, 0, 0x10, 0], 'mdat'), true],
    ['Matroska/WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x01]), true],
    ['AVI', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), true],
    ['WAV is RIFF but not video', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), false],
    ['Ogg', bytes('OggS', [0]), true],
    ['FLV', bytes('FLV', [1]), true],
    ['MPEG-TS', ts, true],
    ['MPEG-PS', bytes([0, 0, 1, 0xba, 0x44]), true],
    ['plain text', bytes('hello world, this is not a video'), false],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), false],
    ['empty', new Uint8Array(0), false],
    ['too short for anything', bytes([0x47]), false],
  ];
  for (const [name, head, expected] of cases) {
    await t.test(name, () => assert.equal(looksLikeMediaContainer(head), expected));
  }
});

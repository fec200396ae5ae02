import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogAudioLanguages, dubDurationProblem, dubListings, dubRepresentationId, looksLikeAudio, type DubListing } from './dubs.ts';

test('looksLikeAudio: audio or video types, or an audio file extension', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['dub.m4a', 'audio/mp4', true],
    ['dub.wav', 'application/octet-stream', true],
    ['dub.mka', '', true],
    ['dub.mov', 'video/quicktime', true],
    ['notes.txt', 'text/plain', false],
    ['poster.jpg', 'image/jpeg', false],
    ['m4a', 'application/octet-stream', false],
  ];
  for (const [name, type, expected] of cases) await t.test(`${name} ${type}`, () => assert.equal(looksLikeAudio(name, type), expected));
});

test('dubDurationProblem: 2 s or 2% of the video, whichever is more', async (t) => {
  const cases: Array<[number, number, boolean]> = [
    [4, 4, true],
    [5.9, 4, true],
    [6.1, 4, false],
    [2.1, 4, true],
    [20, 4, false],
    [5400 + 100, 5400, true],
    [5400 + 110, 5400, false],
    [5400 - 110, 5400, false],
  ];
  for (const [dub, video, fits] of cases) await t.test(`${dub} s for ${video} s`, () => assert.equal(dubDurationProblem(dub, video) === undefined, fits));
  assert.match(dubDurationProblem(20, 4)!, /20\.0 s long but the video is 4\.0 s; they may differ by at most 2\.0 s/);
});

test('catalogAudioLanguages: new two-letter primary subtags appended; nothing new is undefined', async (t) => {
  const cases: Array<[string, string[], string[], string[] | undefined]> = [
    ['adds', ['en'], ['fr'], ['en', 'fr']],
    ['region dropped', ['en'], ['pt-BR'], ['en', 'pt']],
    ['already there', ['en', 'fr'], ['fr', 'en'], undefined],
    ['und and three-letter codes cannot be listed', ['en'], ['und', 'gsw'], undefined],
    ['repeats once', [], ['fr', 'fr', 'FR'], ['fr']],
  ];
  for (const [name, existing, tags, expected] of cases) await t.test(name, () => assert.deepEqual(catalogAudioLanguages(existing, tags), expected));
});

test('dubListings: each dub folder\'s outputs numbered in package order; the source\'s own tracks are not dubs', () => {
  const cases: Array<{ name: string; audio: { language: string; channels: number; dubDir?: string }[]; listed: DubListing[] }> = [
    { name: 'no dubs', audio: [{ language: 'en', channels: 2 }, { language: 'en', channels: 6 }], listed: [] },
    {
      name: 'a stereo + 5.1 dub after the source tracks',
      audio: [{ language: 'en', channels: 2 }, { language: 'fr', channels: 2, dubDir: 'dubs/fr' }, { language: 'fr', channels: 6, dubDir: 'dubs/fr' }],
      listed: [{ language: 'fr', dir: 'dubs/fr', channels: 2, output: 0 }, { language: 'fr', dir: 'dubs/fr', channels: 6, output: 1 }],
    },
    {
      name: 'two dubs, each numbered on its own',
      audio: [{ language: 'it', channels: 2, dubDir: 'dubs/it' }, { language: 'ja', channels: 2, dubDir: 'dubs/ja' }, { language: 'ja', channels: 6, dubDir: 'dubs/ja' }],
      listed: [{ language: 'it', dir: 'dubs/it', channels: 2, output: 0 }, { language: 'ja', dir: 'dubs/ja', channels: 2, output: 0 }, { language: 'ja', dir: 'dubs/ja', channels: 6, output: 1 }],
    },
  ];
  for (const c of cases) assert.deepEqual(dubListings(c.audio), c.listed, c.name);
  assert.equal(dubRepresentationId('pt-BR', 6), 'dub-pt-BR-6ch');
});

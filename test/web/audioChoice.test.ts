import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audioLanguages, languageName, trackForLanguage, type AudioTrackLike } from '../../web/src/player/audioChoice.ts';

const track = (language: string, channelsCount: number | null, active = false, id = `${language}-${channelsCount}`) => ({ id, language, channelsCount, active });

test('audioLanguages: one entry per language, in order, marking the one playing', async (t) => {
  const cases: Array<[string, AudioTrackLike[], { language: string; active: boolean }[]]> = [
    ['none', [], []],
    ['one', [track('en', 2, true)], [{ language: 'en', active: true }]],
    ['stereo and 5.1 of one language are one entry', [track('en', 2), track('fr', 2), track('fr', 6, true)], [{ language: 'en', active: false }, { language: 'fr', active: true }]],
  ];
  for (const [name, tracks, expected] of cases) await t.test(name, () => assert.deepEqual(audioLanguages(tracks), expected));
});

test('trackForLanguage: keeps the channel count playing when it can, else the fewest channels', async (t) => {
  const cases: Array<[string, ReturnType<typeof track>[], string, string | undefined]> = [
    ['stereo viewer stays stereo', [track('en', 2, true), track('fr', 6), track('fr', 2)], 'fr', 'fr-2'],
    ['5.1 viewer stays 5.1', [track('en', 2), track('en', 6, true), track('fr', 2), track('fr', 6)], 'fr', 'fr-6'],
    ['5.1 viewer, stereo-only language', [track('en', 6, true), track('de', 2)], 'de', 'de-2'],
    ['nothing playing: fewest channels', [track('fr', 6), track('fr', 2)], 'fr', 'fr-2'],
    ['unknown language', [track('en', 2, true)], 'it', undefined],
  ];
  for (const [name, tracks, language, id] of cases) await t.test(name, () => assert.equal(trackForLanguage(tracks, language)?.id, id));
});

test('languageName: readable names, the tag when unknown', () => {
  assert.equal(languageName('fr'), 'French');
  assert.equal(languageName('pt-BR'), 'Brazilian Portuguese');
  assert.equal(languageName('und'), 'Original');
  assert.equal(languageName('qqq'), 'qqq');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fold, hasControlChars, indexTokens, stem, synonymAt, tokenize, typoBudget } from './text.ts';

test('fold: case and diacritics, including letters NFKD leaves alone', () => {
  const table: [string, string][] = [['Amélie', 'amelie'], ['PENÉLOPE', 'penelope'], ['Straße', 'strasse'], ['Ørsted', 'orsted'], ['Łódź', 'lodz'], ['Æon', 'aeon'], ['ﬁne', 'fine'], ['Zoë', 'zoe']];
  for (const [input, want] of table) assert.equal(fold(input), want, input);
});

test('tokenize: words with spans in the original text', () => {
  assert.deepEqual(tokenize('Spider-Man: No Way Home').map((t) => t.term), ['spider', 'man', 'no', 'way', 'home']);
  assert.deepEqual(tokenize("Schindler's List").map((t) => t.term), ['schindlers', 'list']);
  assert.deepEqual(tokenize('  Amélie ').map((t) => [t.term, t.start, t.end]), [['amelie', 2, 8]]);
  // Decomposed input (e + combining acute) stays one word with the right span.
  assert.deepEqual(tokenize('Ame\u0301lie x').map((t) => [t.term, t.start, t.end]), [['amelie', 0, 7], ['x', 8, 9]]);
  assert.deepEqual(tokenize("' OR 1=1; --").map((t) => t.term), ['or', '1', '1']);
  assert.deepEqual(tokenize('🙂 ...'), []);
});

test('stem: plurals, -ing and -ed; short words and numbers untouched', () => {
  const table: [string, string][] = [['wormholes', 'wormhole'], ['stories', 'story'], ['kingdoms', 'kingdom'], ['running', 'run'], ['haunted', 'haunt'], ['boxes', 'box'], ['glass', 'glass'], ['virus', 'virus'], ['bus', 'bus'], ['2046s', '2046s'], ['king', 'king'], ['freed', 'freed']];
  for (const [input, want] of table) assert.equal(stem(input), want, input);
});

test('synonyms: phrases map to their canonical term, longest first', () => {
  assert.deepEqual(synonymAt(['science', 'fiction', 'x'], 0), { canonical: 'scifi', length: 2 });
  assert.deepEqual(synonymAt(['sci', 'fi'], 0), { canonical: 'scifi', length: 2 });
  assert.deepEqual(synonymAt(['world', 'war', 'ii'], 0), { canonical: 'ww2', length: 3 });
  assert.deepEqual(synonymAt(['film'], 0), { canonical: 'movie', length: 1 });
  assert.equal(synonymAt(['science'], 0), undefined);
  assert.equal(synonymAt(['scifi'], 0), undefined);
});

test('indexTokens: synonyms and run-together pairs span the words they stand for', () => {
  const { tokens, joined } = indexTokens('Sci-Fi Toy', { joinPairs: true, dropStopWords: false });
  assert.deepEqual(tokens.map((t) => [t.term, t.start, t.end]), [['sci', 0, 3], ['scifi', 0, 6], ['scifi', 0, 6], ['fi', 4, 6], ['fitoy', 4, 10], ['toy', 7, 10]]);
  assert.deepEqual([...joined], ['scifi', 'fitoy']);
  assert.deepEqual(indexTokens('the end of it', { joinPairs: false, dropStopWords: true }).tokens.map((t) => t.term), ['end']);
});

test('typo budget: none below 5 letters, one from 5, two from 9', () => {
  assert.deepEqual([1, 4, 5, 8, 9, 20].map(typoBudget), [0, 0, 1, 1, 2, 2]);
});

test('control characters are recognised', () => {
  assert.equal(hasControlChars('a\u0000b'), true);
  assert.equal(hasControlChars('a\u001bb'), true);
  assert.equal(hasControlChars('a\u0085'), true);
  assert.equal(hasControlChars('Amélie 🙂'), false);
});

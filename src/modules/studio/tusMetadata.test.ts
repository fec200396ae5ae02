import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTusMetadata } from './tusMetadata.ts';

const sha = 'a'.repeat(64);

describe('parseTusMetadata', () => {
  const accepted: [string, Record<string, string | null>, object][] = [
    ['title and checksum only', { titleId: 't1', sha256: sha }, { titleId: 't1', episodeId: null, filename: 'upload', sha256: sha }],
    ['everything', { titleId: 't1', episodeId: 'e1', filename: 'a.mov', ladder: 'fixed', protected: 'false', sha256: sha.toUpperCase() }, { titleId: 't1', episodeId: 'e1', filename: 'a.mov', ladder: 'fixed', protected: false, sha256: sha }],
    ['a video type without a name', { titleId: 't1', filetype: 'video/mp4', sha256: sha }, { titleId: 't1', episodeId: null, filename: 'upload', sha256: sha }],
  ];
  for (const [name, meta, want] of accepted) test(`accepts ${name}`, () => assert.deepEqual(parseTusMetadata(meta), want));

  const refused: [string, Record<string, string | null>, string][] = [
    ['no title', { sha256: sha }, 'title_required'],
    ['no checksum', { titleId: 't1' }, 'checksum_required'],
    ['a short checksum', { titleId: 't1', sha256: 'abc' }, 'invalid_checksum'],
    ['an unknown ladder', { titleId: 't1', sha256: sha, ladder: 'best' }, 'invalid_ladder'],
    ['protected not a boolean', { titleId: 't1', sha256: sha, protected: 'yes' }, 'invalid_protected'],
    ['a text file', { titleId: 't1', sha256: sha, filename: 'notes.txt', filetype: 'text/plain' }, 'not_a_video_type'],
  ];
  for (const [name, meta, code] of refused) test(`refuses ${name}`, () => assert.throws(() => parseTusMetadata(meta), { code }));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLicenceToken, licenceResponse, licenceToken, parseLicenceRequest } from './licence.ts';
import { keyEncryptionKey, unwrapKey, wrapKey } from './contentKeys.ts';

const kid = Buffer.alloc(16, 1);

test('parseLicenceRequest takes the W3C ClearKey request and refuses anything else', () => {
  const ok = parseLicenceRequest({ kids: [kid.toString('base64url')], type: 'temporary' });
  assert.ok(ok.ok && ok.kids[0]!.equals(kid) && ok.type === 'temporary');
  const cases: [unknown, string][] = [
    [null, 'kids'],
    [{}, 'kids'],
    [{ kids: [] }, 'kids'],
    [{ kids: ['short'] }, 'kids'],
    [{ kids: [kid.toString('base64')] }, 'kids'],
    [{ kids: [kid.toString('base64url')], type: 'forever' }, 'type'],
  ];
  for (const [body, field] of cases) {
    const r = parseLicenceRequest(body);
    assert.ok(!r.ok && r.field === field, JSON.stringify(body));
  }
});

test('licenceResponse is the JSON Web Key set EME expects', () => {
  const key = Buffer.alloc(16, 2);
  assert.deepEqual(licenceResponse([{ kid, key }], 'temporary'), { keys: [{ kty: 'oct', kid: kid.toString('base64url'), k: key.toString('base64url') }], type: 'temporary' });
});

test('licence tokens name their session and cannot be forged or moved to another', () => {
  const token = licenceToken('s'.repeat(32), 'pb-1');
  assert.equal(checkLicenceToken('s'.repeat(32), token), 'pb-1');
  assert.equal(checkLicenceToken('t'.repeat(32), token), undefined);
  assert.equal(checkLicenceToken('s'.repeat(32), token.replace('pb-1', 'pb-2')), undefined);
  assert.equal(checkLicenceToken('s'.repeat(32), undefined), undefined);
  assert.equal(checkLicenceToken('s'.repeat(32), 'garbage'), undefined);
});

test('content keys are wrapped with AES-256-GCM bound to their key id', () => {
  const kek = keyEncryptionKey('a dev secret that is long enough!!');
  assert.equal(kek.length, 32);
  const key = Buffer.alloc(16, 9);
  const wrapped = wrapKey(kek, kid, key);
  assert.ok(!wrapped.includes(key.toString('base64url')) && !wrapped.includes(key.toString('hex')));
  assert.notEqual(wrapKey(kek, kid, key), wrapped, 'a fresh IV every time');
  assert.deepEqual(unwrapKey(kek, kid, wrapped), key);
  assert.throws(() => unwrapKey(kek, Buffer.alloc(16, 3), wrapped), 'another kid does not open it');
  assert.throws(() => unwrapKey(keyEncryptionKey('another secret of the right length!'), kid, wrapped), 'another master key does not open it');
  assert.throws(() => unwrapKey(kek, kid, 'v9.a.b.c'), /unknown/);
});

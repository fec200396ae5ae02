import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isUniqueViolation, nowIso } from '../../platform/db/index.ts';

/**
 * Per-title content keys (16-byte AES-128 key + 16-byte key id). The key is stored only wrapped:
 * AES-256-GCM under a key-encryption key derived from config, with the key id as associated data
 * so a wrapped key copied onto another row does not open.
 */
export interface ContentKey {
  kid: Buffer;
  key: Buffer;
}

/** The 32-byte key-encryption key from the configured secret (any length of at least 32 characters). */
export function keyEncryptionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'marquee', 'content-key-wrapping', 32));
}

const VERSION = 1;

/** `v1.<iv>.<ciphertext>.<tag>`, base64url parts. */
export function wrapKey(kek: Buffer, kid: Buffer, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(kid);
  const ct = Buffer.concat([cipher.update(key), cipher.final()]);
  return [`v${VERSION}`, iv, ct, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The key, or an error when the wrapping was made with another key-encryption key or for another kid. */
export function unwrapKey(kek: Buffer, kid: Buffer, wrapped: string): Buffer {
  const [version, iv, ct, tag] = wrapped.split('.');
  if (version !== `v${VERSION}` || !iv || !ct || !tag) throw new Error('unknown content key wrapping');
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'));
  decipher.setAAD(kid);
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
}

type ContentKeyRow = { kid: string; title_id: string; wrapped_key: string; created_at: string };

export function contentKeyStore(base: Kysely<object>, kek: Buffer) {
  const db = base.withTables<{ content_keys: ContentKeyRow }>();
  const open = (row: ContentKeyRow): ContentKey => {
    const kid = Buffer.from(row.kid, 'hex');
    return { kid, key: unwrapKey(kek, kid, row.wrapped_key) };
  };
  return {
    /** The title's key, made on first use; concurrent first uses agree on one. */
    async forTitle(titleId: string): Promise<ContentKey> {
      const existing = await db.selectFrom('content_keys').selectAll().where('title_id', '=', titleId).executeTakeFirst();
      if (existing) return open(existing);
      const kid = randomBytes(16);
      const key = randomBytes(16);
      try {
        await db.insertInto('content_keys').values({ kid: kid.toString('hex'), title_id: titleId, wrapped_key: wrapKey(kek, kid, key), created_at: nowIso() }).execute();
        return { kid, key };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return open(await db.selectFrom('content_keys').selectAll().where('title_id', '=', titleId).executeTakeFirstOrThrow());
      }
    },
    async byKid(kidHex: string): Promise<(ContentKey & { titleId: string }) | undefined> {
      const row = await db.selectFrom('content_keys').selectAll().where('kid', '=', kidHex.toLowerCase()).executeTakeFirst();
      return row && { ...open(row), titleId: row.title_id };
    },
  };
}

export type ContentKeyStore = ReturnType<typeof contentKeyStore>;

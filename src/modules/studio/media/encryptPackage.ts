import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContentKey, commonPssh, encryptInitSegment, encryptMediaSegment } from './cenc.ts';
import { DASH_MANIFEST } from './encodeArgs.ts';
import { readRepresentations, segmentName } from './manifests.ts';

/** How a packaged video is protected: what a manifest must declare for a player to ask for its key. */
export interface PackageProtection {
  scheme: 'cenc';
  /** Key id, 32 hex digits. */
  kid: string;
  /** Base64 of the W3C common pssh box naming the key id. */
  pssh: string;
}

/**
 * Encrypts a packaged video in place with CENC: every representation's init segment and media
 * segments, as listed by the MPD. The DASH MPD and HLS playlists reference the same segments,
 * so both now point at encrypted media; the MPD's ContentProtection is added when it is served.
 */
export async function encryptPackage(dir: string, contentKey: ContentKey): Promise<PackageProtection> {
  const mpd = await readFile(join(dir, DASH_MANIFEST), 'utf8');
  const representations = readRepresentations(mpd);
  if (representations.length === 0) throw new Error('the MPD lists no representations to encrypt');
  for (const rep of representations) {
    if (!rep.initialization || !rep.media) throw new Error(`representation ${rep.id} has no segment template`);
    const initPath = join(dir, segmentName(rep.initialization, rep.id));
    const { segment, tracks } = encryptInitSegment(await readFile(initPath), contentKey.kid);
    await writeFile(initPath, segment);
    for (let n = 1; ; n++) {
      const path = join(dir, segmentName(rep.media, rep.id, n));
      if (!(await exists(path))) break;
      await writeFile(path, encryptMediaSegment(await readFile(path), tracks, contentKey.key));
    }
  }
  return { scheme: 'cenc', kid: contentKey.kid.toString('hex'), pssh: commonPssh(contentKey.kid).toString('base64') };
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

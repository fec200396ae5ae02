import type { ObjectStore } from './types.ts';

/** A stored object as UTF-8 text (manifests, playlists): read whole, so only for small objects. */
export async function readObjectText(objects: ObjectStore, key: string): Promise<string> {
  return Buffer.concat(await (await objects.read(key)).toArray()).toString('utf8');
}

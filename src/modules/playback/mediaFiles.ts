/** Media files a player fetches, by extension, with the type every server of them must send. */
export const MEDIA_CONTENT_TYPES: Readonly<Record<string, string>> = {
  mpd: 'application/dash+xml',
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  jpg: 'image/jpeg',
  vtt: 'text/vtt',
};

const isManifest = (ext: string): boolean => ext === 'mpd' || ext === 'm3u8';

/** Manifests are small and may be re-signed; segments never change once written. */
export const mediaCacheControl = (ext: string): string => (isManifest(ext) ? 'private, max-age=60' : 'private, max-age=31536000, immutable');

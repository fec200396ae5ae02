/** One trick-play thumbnail: a tile of a sprite sheet, shown from `start` to `end` seconds. */
export interface ThumbnailCue {
  start: number;
  end: number;
  /** Absolute URL of the sprite sheet. */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const seconds = (t: string): number => {
  const parts = t.split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
};

/** Reads a WebVTT thumbnails track (`sprite.jpg#xywh=x,y,w,h` cues); sheet URLs resolve against `base`, the track's URL. */
export function parseThumbnailTrack(text: string, base: string): ThumbnailCue[] {
  const cues: ThumbnailCue[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const m = /^([\d:.]+)\s+-->\s+([\d:.]+)[^\n]*\n([^\n#]+)#xywh=(\d+),(\d+),(\d+),(\d+)\s*$/m.exec(block);
    if (!m) continue;
    cues.push({ start: seconds(m[1]!), end: seconds(m[2]!), url: new URL(m[3]!.trim(), base).href, x: Number(m[4]), y: Number(m[5]), w: Number(m[6]), h: Number(m[7]) });
  }
  return cues;
}

/** The cue showing at `time` (the last one for times at or past the end). */
export function thumbnailAt(cues: readonly ThumbnailCue[], time: number): ThumbnailCue | undefined {
  let lo = 0;
  let hi = cues.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = cues[mid]!;
    if (time < c.start) hi = mid - 1;
    else if (time >= c.end) lo = mid + 1;
    else return c;
  }
  return time >= (cues.at(-1)?.end ?? Infinity) ? cues.at(-1) : undefined;
}

/** Loads a track; no track (older videos) or a failed fetch just means no previews. */
export async function loadThumbnails(vttUrl: string | null | undefined): Promise<ThumbnailCue[]> {
  if (!vttUrl) return [];
  const url = new URL(vttUrl, window.location.href).href;
  const res = await fetch(url).catch(() => null);
  if (!res?.ok) return [];
  return parseThumbnailTrack(await res.text(), url);
}

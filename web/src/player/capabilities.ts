// What this browser can decode through MSE, sent with playback start so the server can pick a ladder.

const PROBES: { family: string; mime: string; codec: string }[] = [
  { family: 'h264', codec: 'avc1.42E01E', mime: 'video/mp4; codecs="avc1.42E01E"' },
  { family: 'h264', codec: 'avc1.4D401F', mime: 'video/mp4; codecs="avc1.4D401F"' },
  { family: 'h264', codec: 'avc1.640028', mime: 'video/mp4; codecs="avc1.640028"' },
  { family: 'hevc', codec: 'hvc1.1.6.L120.90', mime: 'video/mp4; codecs="hvc1.1.6.L120.90"' },
  { family: 'hevc', codec: 'hev1.1.6.L120.90', mime: 'video/mp4; codecs="hev1.1.6.L120.90"' },
  { family: 'vp9', codec: 'vp09.00.40.08', mime: 'video/mp4; codecs="vp09.00.40.08"' },
  { family: 'av1', codec: 'av01.0.08M.08', mime: 'video/mp4; codecs="av01.0.08M.08"' },
  { family: 'aac', codec: 'mp4a.40.2', mime: 'audio/mp4; codecs="mp4a.40.2"' },
  { family: 'aac', codec: 'mp4a.40.5', mime: 'audio/mp4; codecs="mp4a.40.5"' },
  { family: 'opus', codec: 'opus', mime: 'audio/mp4; codecs="opus"' },
  { family: 'ac3', codec: 'ac-3', mime: 'audio/mp4; codecs="ac-3"' },
  { family: 'ec3', codec: 'ec-3', mime: 'audio/mp4; codecs="ec-3"' },
];

export interface Capabilities {
  /** Codec families first (h264, hevc, vp9, av1, aac, opus, ac3, ec3), then the exact RFC 6381 strings that passed. */
  codecs: string[];
  /** Short side of the screen in device pixels: the tallest rendition worth streaming. */
  maxHeight: number;
}

function isTypeSupported(mime: string): boolean {
  const w = window as unknown as { MediaSource?: typeof MediaSource; ManagedMediaSource?: typeof MediaSource };
  const MS = w.MediaSource ?? w.ManagedMediaSource;
  try {
    return Boolean(MS?.isTypeSupported(mime));
  } catch {
    return false;
  }
}

export function detectCapabilities(): Capabilities {
  const passed = PROBES.filter((p) => isTypeSupported(p.mime));
  const families = [...new Set(passed.map((p) => p.family))];
  const dpr = window.devicePixelRatio || 1;
  const shortSide = Math.min(screen.width || 0, screen.height || 0) || screen.height || 720;
  return {
    codecs: [...families, ...passed.map((p) => p.codec)],
    maxHeight: Math.round(shortSide * dpr),
  };
}

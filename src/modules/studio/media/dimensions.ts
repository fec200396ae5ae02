/**
 * Frame-size arithmetic shared by the ladder and the image commands.
 * H.264 with 4:2:0 chroma needs even widths and heights, so every size we hand to a
 * `scale` filter goes through one of these.
 */

/** Largest even number not above `n` (never below 2): used for the source's own size so we never upscale. */
export function floorEven(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

/** Nearest even number (never below 2): used for scaled sizes, where either neighbour is as faithful. */
export function roundEven(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

export interface FrameSize {
  width: number;
  height: number;
}

/**
 * The size of a frame scaled to `maxWidth` wide (never upscaled), keeping the aspect ratio,
 * both sides even. Posters and thumbnails use this.
 */
export function scaleToWidth(source: FrameSize, maxWidth: number): FrameSize {
  const width = Math.min(floorEven(source.width), roundEven(maxWidth));
  return { width, height: roundEven((width * source.height) / source.width) };
}

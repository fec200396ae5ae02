/**
 * Trick-play thumbnails: small frames every few seconds packed into sprite sheets (ffmpeg
 * `tile`), and a WebVTT track whose cues point into them with media fragments
 * (`sprite_001.jpg#xywh=x,y,w,h`), the layout players and JW/Video.js plugins read. Pure.
 *
 * Sheets rather than one file per thumbnail: a two-hour film at 10 s is 720 images, which a
 * player would fetch one request each while the viewer drags; 10x10 sheets make that 8.
 */
import { join } from 'node:path';
import { scaleToWidth, type FrameSize } from './dimensions.ts';

export const SPRITE_PATTERN = 'sprite_%03d.jpg';
export const TRICKPLAY_VTT = 'thumbnails.vtt';
export const TRICKPLAY_WIDTH = 160;
export const TRICKPLAY_COLUMNS = 10;
export const TRICKPLAY_ROWS = 10;

export interface TrickplayLayout {
  intervalSec: number;
  /** One thumbnail's size. */
  tile: FrameSize;
  columns: number;
  rows: number;
}

/**
 * Seconds between thumbnails: about 200 across the title (fine enough to find a scene),
 * whole seconds from 1 (short clips) to 10 (features: 720 for two hours).
 */
export function trickplayIntervalSec(durationSec: number): number {
  return Math.min(10, Math.max(1, Math.round(durationSec / 200)));
}

/** Full 10x10 sheets, except that a title needing less than one sheet gets only the rows it fills. */
export function trickplayLayout(durationSec: number, source: FrameSize): TrickplayLayout {
  const intervalSec = trickplayIntervalSec(durationSec);
  const rows = Math.min(TRICKPLAY_ROWS, Math.ceil(thumbnailCount(durationSec, intervalSec) / TRICKPLAY_COLUMNS));
  return { intervalSec, tile: scaleToWidth(source, TRICKPLAY_WIDTH), columns: TRICKPLAY_COLUMNS, rows };
}

/** Thumbnail n (0-based) shows the first frame at or after n * intervalSec; this many cover the title. */
export function thumbnailCount(durationSec: number, intervalSec: number): number {
  return Math.max(1, Math.ceil(durationSec / intervalSec - 1e-6));
}

export function spriteName(index: number): string {
  return SPRITE_PATTERN.replace('%03d', String(index + 1).padStart(3, '0'));
}

export function spriteArgs(opts: { input: string; outDir: string; layout: TrickplayLayout; videoStreamIndex?: number }): string[] {
  const { layout } = opts;
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'warning',
    '-i', opts.input,
    '-map', opts.videoStreamIndex === undefined ? '0:v:0' : `0:${opts.videoStreamIndex}`,
    // round=up: thumbnail n is the first frame at or after n * interval, as the cues say.
    // tile flushes a part-filled last sheet at the end of the input.
    '-vf', `fps=1/${layout.intervalSec}:round=up,scale=${layout.tile.width}:${layout.tile.height},setsar=1,tile=${layout.columns}x${layout.rows}`,
    '-q:v', '5',
    join(opts.outDir, SPRITE_PATTERN),
  ];
}

/** WebVTT timestamp, hh:mm:ss.mmm. */
export function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/**
 * The thumbnails track: cue n spans [n * interval, (n + 1) * interval), the last one ending at
 * the title's end, each pointing at its tile. URLs are relative to the VTT file, so the signed
 * media path it is fetched from carries over to the sheets.
 */
export function trickplayVtt(durationSec: number, layout: TrickplayLayout): { vtt: string; sprites: string[] } {
  const count = thumbnailCount(durationSec, layout.intervalSec);
  const perSheet = layout.columns * layout.rows;
  const lines = ['WEBVTT', ''];
  for (let n = 0; n < count; n++) {
    const start = n * layout.intervalSec;
    const end = Math.min(durationSec, (n + 1) * layout.intervalSec);
    const cell = n % perSheet;
    const x = (cell % layout.columns) * layout.tile.width;
    const y = Math.floor(cell / layout.columns) * layout.tile.height;
    lines.push(`${vttTime(start)} --> ${vttTime(end)}`, `${spriteName(Math.floor(n / perSheet))}#xywh=${x},${y},${layout.tile.width},${layout.tile.height}`, '');
  }
  return { vtt: lines.join('\n'), sprites: Array.from({ length: Math.ceil(count / perSheet) }, (_, i) => spriteName(i)) };
}

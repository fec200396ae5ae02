/**
 * Subtitle files as partners send them (SRT or WebVTT), checked against the video they belong to
 * and rewritten as WebVTT, the one format both DASH and HLS players read. Pure: bytes in, a
 * WebVTT text or a report naming each bad line out.
 */

export interface SubtitleProblem {
  /** 1-based line of the uploaded file. */
  line: number;
  problem: string;
}

export interface SubtitleCue {
  startSec: number;
  endSec: number;
  /** WebVTT cue settings (position, align, ...) kept from a WebVTT source. */
  settings: string;
  text: string[];
}

export type SubtitleCheck = { ok: true; format: 'srt' | 'vtt'; cues: SubtitleCue[]; vtt: string } | { ok: false; report: SubtitleProblem[] };

/** Enough to find a pattern in a broken file without flooding the response. */
const MAX_PROBLEMS = 50;

const TIMESTAMP = /^(?:(\d+):)?([0-5]\d):([0-5]\d)[.,](\d{3})$/;

/** Seconds of `01:02:03,456`, `01:02:03.456` or `02:03.456`; undefined when malformed. */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** `HH:MM:SS.mmm`, as WebVTT writes it. */
export function formatTimestamp(sec: number): string {
  const ms = Math.round(sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** The first line (1-based) whose bytes are not UTF-8, or undefined when all are. */
function firstNonUtf8Line(bytes: Buffer): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return undefined;
}

interface Block {
  /** Line number of the block's first line. */
  line: number;
  lines: string[];
}

function blocks(lines: string[]): Block[] {
  const out: Block[] = [];
  let current: Block | undefined;
  lines.forEach((text, i) => {
    if (text.trim() === '') {
      current = undefined;
    } else if (current) {
      current.lines.push(text);
    } else {
      current = { line: i + 1, lines: [text] };
      out.push(current);
    }
  });
  return out;
}

/**
 * Checks a subtitle file against its video's duration and converts it to WebVTT. Problems found:
 * empty file, bytes that are not UTF-8, malformed timings, cues that end before they start, cues
 * past the video's end, and cues overlapping the one before.
 */
export function checkSubtitles(bytes: Buffer, videoDurationSec: number): SubtitleCheck {
  const badLine = firstNonUtf8Line(bytes);
  if (badLine !== undefined) return { ok: false, report: [{ line: badLine, problem: 'not UTF-8 text; save the file as UTF-8' }] };
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, report: [{ line: 1, problem: 'the file is empty' }] };

  const lines = text.split(/\r\n|\r|\n/);
  const format = /^WEBVTT(?:[ \t].*)?$/.test(lines[0]!) ? 'vtt' : 'srt';
  const report: SubtitleProblem[] = [];
  const cues: (SubtitleCue & { line: number })[] = [];
  const example = format === 'srt' ? '00:00:01,000 --> 00:00:02,500' : '00:00:01.000 --> 00:00:02.500';

  for (const [index, block] of blocks(lines).entries()) {
    if (format === 'vtt' && index === 0) {
      const cueAt = block.lines.findIndex((l) => l.includes('-->'));
      if (cueAt >= 0) report.push({ line: block.line + cueAt, problem: 'the WEBVTT header must be followed by a blank line before the first cue' });
      continue;
    }
    if (format === 'vtt' && /^(NOTE|STYLE|REGION)(\s|$)/.test(block.lines[0]!)) continue;
    const timingAt = block.lines.findIndex((l) => l.includes('-->'));
    // An SRT cue is "number, timing, text"; a WebVTT cue "optional id, timing, text".
    if (timingAt < 0 || timingAt > 1) {
      report.push({ line: block.line, problem: `expected a cue timing line like ${example}` });
      continue;
    }
    const line = block.line + timingAt;
    const [from = '', rest = ''] = block.lines[timingAt]!.split('-->');
    const [to = '', ...settings] = rest.trim().split(/[ \t]+/);
    const startSec = parseTimestamp(from);
    const endSec = parseTimestamp(to);
    if (startSec === undefined || endSec === undefined || (format === 'srt' && settings.length > 0)) {
      report.push({ line, problem: `bad timestamp "${block.lines[timingAt]!.trim()}"; expected ${example}` });
      continue;
    }
    if (endSec <= startSec) {
      report.push({ line, problem: `cue ends (${formatTimestamp(endSec)}) before it starts (${formatTimestamp(startSec)})` });
      continue;
    }
    if (endSec > videoDurationSec + 0.0005) {
      report.push({ line, problem: `cue ends at ${formatTimestamp(endSec)}, past the end of the video (${formatTimestamp(videoDurationSec)})` });
      continue;
    }
    const previous = cues.at(-1);
    if (previous && startSec < previous.endSec) {
      report.push({ line, problem: `cue starts at ${formatTimestamp(startSec)}, overlapping the cue at line ${previous.line} that ends at ${formatTimestamp(previous.endSec)}` });
    }
    const cueText = block.lines.slice(timingAt + 1);
    if (cueText.length === 0) report.push({ line, problem: 'cue has no text' });
    cues.push({ line, startSec, endSec, settings: settings.join(' '), text: cueText });
  }
  if (report.length === 0 && cues.length === 0) report.push({ line: 1, problem: 'no cues found' });
  if (report.length > 0) return { ok: false, report: report.slice(0, MAX_PROBLEMS) };
  return { ok: true, format, cues: cues.map(({ line: _, ...cue }) => cue), vtt: toWebVtt(cues) };
}

/** A WebVTT document of these cues. */
export function toWebVtt(cues: SubtitleCue[]): string {
  const body = cues.map((c) => `${formatTimestamp(c.startSec)} --> ${formatTimestamp(c.endSec)}${c.settings ? ` ${c.settings}` : ''}\n${c.text.join('\n')}\n`);
  return ['WEBVTT\n', ...body].join('\n');
}

/** The HLS media playlist for one WebVTT file covering the whole video (HLS lists subtitles as playlists). */
export function subtitlePlaylist(vttName: string, videoDurationSec: number): string {
  return ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(videoDurationSec))}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', `#EXTINF:${videoDurationSec.toFixed(3)},`, vttName, '#EXT-X-ENDLIST', ''].join('\n');
}

/** BCP 47 language tags as players match them: en, pt-BR, zh-Hant. */
export const isLanguageTag = (tag: string): boolean => /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(tag);

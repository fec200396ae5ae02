/**
 * Measuring for the QC gate, on the packaged output before it is uploaded (and before any
 * encryption, so every segment can be decoded): each representation of the MPD is joined from
 * its init and media segments and decoded end to end; its track span is read from packet
 * timestamps and held against the source's; the source is scanned once for black and frozen
 * stretches. The verdicts themselves are the pure functions of verdict.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LadderReport } from '../media/encodeTitle.ts';
import { readRepresentations, segmentName, type MpdRepresentation } from '../media/manifests.ts';
import { probeMedia } from '../media/probe.ts';
import {
  DEFAULT_THRESHOLDS,
  MIN_STRETCH_SEC,
  decodeCheck,
  durationCheck,
  frozenOutsideBlack,
  parseBlackdetect,
  parseFreezedetect,
  qcReport,
  qualityChecks,
  rungLabel,
  stretchCheck,
  syncCheck,
  type QcCheck,
  type QcReport,
  type QcThresholds,
  type TrackSpan,
} from './verdict.ts';

export interface QcInput {
  ffmpegPath: string;
  ffprobePath: string;
  sourcePath: string;
  /** The packaged output (clear, not yet encrypted). Nothing is written into it. */
  outDir: string;
  /** The MPD's file name inside outDir. */
  dash: string;
  /** Frame rate of the renditions: the duration tolerance is counted in these frames. */
  fps: number;
  ladder: LadderReport;
  thresholds?: QcThresholds;
  signal?: AbortSignal;
}

/** Black: at most 10% luma on nearly every pixel. Frozen: under -60 dB of change (encoder noise, not motion). */
const DETECT_FILTER = `blackdetect=d=${MIN_STRETCH_SEC}:pix_th=0.10,freezedetect=n=-60dB:d=${MIN_STRETCH_SEC}`;

export async function runQc(input: QcInput): Promise<QcReport> {
  const t = input.thresholds ?? DEFAULT_THRESHOLDS;
  const source = await probeMedia(input.ffprobePath, input.sourcePath);
  const scratch = await mkdtemp(join(tmpdir(), 'marquee-qc-'));
  try {
    const reps = readRepresentations(await readFile(join(input.outDir, input.dash), 'utf8'));
    const sourceVideo = await trackSpan(input.ffprobePath, input.sourcePath, String(source.videoStreamIndex), input.signal);
    const checks: QcCheck[] = [];
    let topVideo: TrackSpan | undefined;
    const audio: { span: TrackSpan | undefined; source: TrackSpan | undefined }[] = [];
    for (const rep of reps) {
      const isAudio = rep.mimeType.startsWith('audio/');
      const rung = input.ladder.rungs[Number(rep.id)];
      const subject = isAudio ? (audio.length === 0 ? 'audio' : `audio ${audio.length + 1}`) : rung ? rungLabel(rung) : `representation ${rep.id}`;
      const joined = join(scratch, `rep-${rep.id}.mp4`);
      const segments = await joinRepresentation(input.outDir, rep, joined);
      if (segments === 0) {
        checks.push(decodeCheck(subject, { ok: false, errors: ['no segments were written'] }));
        continue;
      }
      checks.push(decodeCheck(subject, await decode(input.ffmpegPath, joined, input.signal)));
      const span = await trackSpan(input.ffprobePath, joined, '0', input.signal);
      if (isAudio) {
        const sourceStream = source.audioStreams[audio.length] ?? source.audioStreams[0];
        const sourceAudio = sourceStream ? await trackSpan(input.ffprobePath, input.sourcePath, String(sourceStream.index), input.signal) : undefined;
        checks.push(durationCheck(subject, length(span), length(sourceAudio), input.fps, t));
        audio.push({ span, source: sourceAudio });
      } else {
        checks.push(durationCheck(subject, length(span), length(sourceVideo), input.fps, t));
        topVideo ??= span;
      }
      await rm(joined, { force: true });
    }
    for (const [i, a] of audio.entries()) {
      if (!topVideo || !a.span) continue;
      const check = syncCheck({ video: topVideo, audio: a.span }, sourceVideo && a.source ? { video: sourceVideo, audio: a.source } : undefined, t);
      checks.push(i === 0 ? check : { ...check, subject: `audio ${i + 1}` });
    }
    checks.push(...qualityChecks(input.ladder, t));

    const log = await detectStretches(input.ffmpegPath, input.sourcePath, source.videoStreamIndex, input.signal);
    const black = parseBlackdetect(log, source.durationSec);
    const frozen = frozenOutsideBlack(parseFreezedetect(log, source.durationSec), black);
    checks.push(stretchCheck('black', black, source.durationSec, t), stretchCheck('frozen', frozen, source.durationSec, t));
    return qcReport(checks, { black, frozen }, new Date().toISOString());
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const length = (s: TrackSpan | undefined) => (s ? s.endSec - s.startSec : undefined);

/** Init segment then media segments 1, 2, … while they exist: one playable fragmented MP4. Returns how many media segments. */
async function joinRepresentation(dir: string, rep: MpdRepresentation, path: string): Promise<number> {
  if (!rep.initialization || !rep.media) return 0;
  const handle = await open(path, 'w');
  let n = 1;
  try {
    await handle.write(await readFile(join(dir, segmentName(rep.initialization, rep.id))));
    for (; await exists(join(dir, segmentName(rep.media, rep.id, n))); n++) await handle.write(await readFile(join(dir, segmentName(rep.media, rep.id, n))));
  } finally {
    await handle.close();
  }
  return n - 1;
}

/** Every stream decoded to nowhere; any error line the decoder prints counts against it. */
async function decode(ffmpegPath: string, file: string, signal: AbortSignal | undefined): Promise<{ ok: boolean; errors: string[] }> {
  const errors: string[] = [];
  const code = await run(ffmpegPath, ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0', '-f', 'null', '-'], { onStderrLine: (l) => errors.length < 20 && errors.push(l), signal });
  return { ok: code === 0, errors };
}

/**
 * When a stream starts (its start_time, which honours the edit list that hides AAC priming)
 * and ends (the latest packet end), from packet timestamps: demuxing only, no decoding.
 */
async function trackSpan(ffprobePath: string, file: string, stream: string, signal: AbortSignal | undefined): Promise<TrackSpan | undefined> {
  let start: number | undefined;
  let firstPts: number | undefined;
  let end = -Infinity;
  let lastFrameSec: number | undefined;
  const args = ['-v', 'error', '-select_streams', stream, '-show_entries', 'stream=start_time:packet=pts_time,duration_time', '-of', 'csv'];
  const code = await run(ffprobePath, [...args, file], {
    onStdoutLine: (line) => {
      const [kind, a, b] = line.split(',');
      if (kind === 'stream') {
        const s = Number(a);
        if (a !== 'N/A' && Number.isFinite(s)) start = s;
      } else if (kind === 'packet') {
        const pts = Number(a);
        if (a === 'N/A' || !Number.isFinite(pts)) return;
        firstPts = Math.min(firstPts ?? pts, pts);
        const parsed = Number(b);
        const dur = b !== undefined && b !== 'N/A' && Number.isFinite(parsed) ? parsed : 0;
        if (pts + dur > end) {
          end = pts + dur;
          lastFrameSec = dur;
        }
      }
    },
    signal,
  });
  const startSec = start ?? firstPts;
  if (code !== 0 || startSec === undefined || !Number.isFinite(end)) return undefined;
  return { startSec, endSec: end, ...(lastFrameSec ? { lastFrameSec } : {}) };
}

/** One decode of the source's picture through blackdetect and freezedetect; returns just their log lines. */
async function detectStretches(ffmpegPath: string, sourcePath: string, videoStreamIndex: number, signal: AbortSignal | undefined): Promise<string> {
  const lines: string[] = [];
  const args = ['-hide_banner', '-nostdin', '-nostats', '-v', 'info', '-i', sourcePath, '-map', `0:${videoStreamIndex}`, '-vf', DETECT_FILTER, '-f', 'null', '-'];
  const code = await run(ffmpegPath, args, { onStderrLine: (l) => (l.includes('blackdetect') || l.includes('freezedetect')) && lines.push(l), signal });
  if (code !== 0) throw new Error(`black/freeze detection on the source exited with code ${code}`);
  return lines.join('\n');
}

/** Spawns a tool and feeds its output line by line (its logs can be long: nothing is buffered whole); resolves with the exit code. */
function run(path: string, args: string[], o: { onStdoutLine?: (line: string) => unknown; onStderrLine?: (line: string) => unknown; signal: AbortSignal | undefined }): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted'));
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onAbort = () => child.kill('SIGKILL');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = (stream: NodeJS.ReadableStream, each: ((line: string) => unknown) | undefined) => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (pending + chunk).split('\n');
        pending = parts.pop() ?? '';
        if (each) for (const p of parts) if (p.trim()) each(p.trim());
      });
      stream.on('end', () => {
        if (each && pending.trim()) each(pending.trim());
      });
    };
    lines(child.stdout, o.onStdoutLine);
    lines(child.stderr, o.onStderrLine);
    child.on('error', (e) => {
      o.signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) reject(o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted'));
      else resolve(code);
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.size > 0,
    () => false,
  );
}

/**
 * The audio half of a packaging command, as plain data: every audio track of the source becomes
 * AAC-LC stereo (and, for a 5.1 or wider track, also AAC 5.1), loudness-normalised to EBU R128,
 * tagged with its language, each in its own DASH adaptation set. Pure: tested without ffmpeg.
 *
 * Loudness is normalised in two passes. `loudnessMeasureArgs` runs every output's downmix through
 * the ebur128 meter; `parseLoudnessMeasurements` reads its summaries; `audioArgs` then applies one
 * constant gain per output (linear: dynamics untouched). Only when that gain would push the true
 * peak over the ceiling does it fall back to loudnorm's own (dynamic) mode with the measured
 * values. Without measurements it uses one-pass dynamic loudnorm. The meter is ebur128 rather than
 * loudnorm in its measuring mode: the same BS.1770 numbers for a tenth of the CPU (loudnorm runs its
 * whole 192 kHz dynamic processing even when only asked to measure).
 */
import { join } from 'node:path';

/** A probed audio track of the source (MediaInfo.audioStreams items fit). */
export interface SourceAudioTrack {
  /** Absolute stream index in its input file. */
  index: number;
  channels: number;
  /** ISO 639-2 (as containers store it) or BCP 47 tag; absent when unknown. */
  language?: string;
}

export type AudioLayout = 'stereo' | '5.1';

/** One audio stream the packager writes. */
export interface AudioOutput {
  /** Absolute index of the source track it is made from. */
  sourceIndex: number;
  layout: AudioLayout;
  channels: 2 | 6;
  kbps: number;
  /** BCP 47 tag written to the MPD (`lang`) and HLS (`LANGUAGE`); 'und' when the source says nothing. */
  language: string;
  /** Absolute output stream index: the dash muxer's representation id and media_<n>.m3u8. */
  outputIndex: number;
  /** Adaptation set id given to it in `-adaptation_sets`. */
  adaptationSetId: number;
  /** Filter graph output pad, e.g. `aout0`; `-map [aout0]`. */
  pad: string;
}

/** What the meter measured on one output (ebur128's summary; what loudnorm's measured_* options take). */
export interface LoudnessMeasurement {
  /** Integrated loudness, LUFS; -Infinity for silence. */
  integratedLufs: number;
  truePeakDbtp: number;
  rangeLu: number;
  thresholdLufs: number;
}

/**
 * EBU R128: -23 LUFS integrated with true peaks at most -1 dBTP (the streaming-delivery ceiling
 * that leaves room for AAC's reconstruction overshoot). LRA 20 LU is loudnorm's widest range: the
 * dynamic fallback then squeezes a film's dynamics as little as it can.
 */
export const LOUDNESS_TARGET = { integratedLufs: -23, truePeakDbtp: -1, rangeLu: 20 } as const;

export const AUDIO_SAMPLE_RATE = 48_000;
export const STEREO_KBPS = 128;
/** 64 kb/s per full-range channel: transparent AAC-LC 5.1 at the rates streaming services use. */
export const SURROUND_KBPS = 384;
/** RFC 6381 codec string of both renditions. */
export const AAC_LC = 'mp4a.40.2';

/** Below this a track is silence (loudnorm reports -inf or -70): no gain is applied. */
const SILENCE_LUFS = -70;

/** ISO 639-2 (bibliographic and terminology forms) to the ISO 639-1 code BCP 47 prefers. */
const ISO639_1: Readonly<Record<string, string>> = {
  ara: 'ar', bul: 'bg', cat: 'ca', ces: 'cs', cze: 'cs', chi: 'zh', zho: 'zh', dan: 'da', deu: 'de', ger: 'de', ell: 'el', gre: 'el',
  eng: 'en', spa: 'es', est: 'et', eus: 'eu', baq: 'eu', fas: 'fa', per: 'fa', fin: 'fi', fra: 'fr', fre: 'fr', gle: 'ga', glg: 'gl',
  heb: 'he', hin: 'hi', hrv: 'hr', hun: 'hu', ind: 'id', isl: 'is', ice: 'is', ita: 'it', jpn: 'ja', kor: 'ko', lit: 'lt', lav: 'lv',
  msa: 'ms', may: 'ms', nld: 'nl', dut: 'nl', nor: 'no', nob: 'nb', nno: 'nn', pol: 'pl', por: 'pt', ron: 'ro', rum: 'ro', rus: 'ru',
  slk: 'sk', slo: 'sk', slv: 'sl', srp: 'sr', swe: 'sv', tam: 'ta', tel: 'te', tha: 'th', tur: 'tr', ukr: 'uk', urd: 'ur', vie: 'vi',
  ben: 'bn', tgl: 'tl', fil: 'fil', afr: 'af', sqi: 'sq', alb: 'sq', hye: 'hy', arm: 'hy', kat: 'ka', geo: 'ka', mkd: 'mk', mac: 'mk',
  mar: 'mr', pan: 'pa', guj: 'gu', kan: 'kn', mal: 'ml', swa: 'sw', zul: 'zu', xho: 'xh', yor: 'yo', amh: 'am', cym: 'cy', wel: 'cy',
};

/** The BCP 47 tag for a container's language tag: `eng` -> `en`, `pt-BR` stays; unknown or empty -> 'und'. */
export function audioLanguageTag(tag: string | undefined): string {
  const t = tag?.trim() ?? '';
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(t)) return 'und';
  const [primary = '', ...rest] = t.split('-');
  const lower = primary.toLowerCase();
  return [ISO639_1[lower] ?? lower, ...rest].join('-');
}

/** The outputs for these tracks, in order: per track its stereo, then (5.1 and wider sources) its 5.1. */
export function audioOutputs(tracks: readonly SourceAudioTrack[], firstOutputIndex: number, firstAdaptationSetId: number): AudioOutput[] {
  const outputs: AudioOutput[] = [];
  for (const track of tracks) {
    const layouts: AudioLayout[] = track.channels >= 6 ? ['stereo', '5.1'] : ['stereo'];
    for (const layout of layouts) {
      const n = outputs.length;
      outputs.push({
        sourceIndex: track.index,
        layout,
        channels: layout === 'stereo' ? 2 : 6,
        kbps: layout === 'stereo' ? STEREO_KBPS : SURROUND_KBPS,
        language: audioLanguageTag(track.language),
        outputIndex: firstOutputIndex + n,
        adaptationSetId: firstAdaptationSetId + n,
        pad: `aout${n}`,
      });
    }
  }
  return outputs;
}

/** The downmix (or layout fix-up) one output starts from; measured and encoded from the same chain. */
const layoutFilter = (o: AudioOutput): string => `aformat=channel_layouts=${o.layout}`;

/** Meter instance name of output n in the measuring pass: its summary is printed under `[ebur128@<name> @ 0x…]`. */
export const measureName = (n: number): string => `measure${n}`;

export interface LoudnessMeasureInput {
  input: string;
  outputs: readonly AudioOutput[];
}

/**
 * The measuring pass: one ffmpeg run that decodes each track once and measures every output
 * (downmix included, since a stereo downmix is not as loud as its 5.1 source) with true peak.
 * Video is never decoded. The per-100 ms frame log goes to verbose, below the info level the
 * summaries print at. Progress goes to stdout (`-progress pipe:1`); read stderr with
 * `parseLoudnessMeasurements`.
 */
export function loudnessMeasureArgs({ input, outputs }: LoudnessMeasureInput): string[] {
  if (outputs.length === 0) throw new RangeError('nothing to measure');
  const chains = outputs.map((o, n) => `[0:${o.sourceIndex}]${layoutFilter(o)},ebur128@${measureName(n)}=peak=true:framelog=verbose[m${n}]`);
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-progress', 'pipe:1', '-vn', '-sn', '-dn', '-i', input, '-filter_complex', chains.join(';')];
  outputs.forEach((_, n) => args.push('-map', `[m${n}]`, '-f', 'null', '-'));
  return args;
}

const number = (v: string | undefined): number => (v === '-inf' ? -Infinity : v === undefined ? Number.NaN : Number(v));

/** The measurement of each output, in output order, from the measuring pass's stderr. Throws when one is missing. */
export function parseLoudnessMeasurements(stderr: string, count: number): LoudnessMeasurement[] {
  const found = new Map<number, LoudnessMeasurement>();
  // A summary runs from its "[ebur128@measureN @ 0x…] Summary:" line to the next log line's "[".
  for (const m of stderr.matchAll(/\[ebur128@measure(\d+) @ [^\]]*\] Summary:([^[]*)/g)) {
    const text = m[2]!;
    const value = (re: RegExp) => number(re.exec(text)?.[1]);
    const measured = {
      integratedLufs: value(/I:\s*(-?[\d.]+|-inf) LUFS/),
      // The first Threshold is the integrated loudness gate; the second belongs to the range.
      thresholdLufs: value(/Integrated loudness:[^]*?Threshold:\s*(-?[\d.]+|-inf) LUFS/),
      rangeLu: value(/LRA:\s*(-?[\d.]+) LU/),
      truePeakDbtp: value(/Peak:\s*(-?[\d.]+|-inf) dBFS/),
    };
    if (Object.values(measured).some((v) => Number.isNaN(v))) continue;
    found.set(Number(m[1]), measured);
  }
  return Array.from({ length: count }, (_, n) => {
    const m = found.get(n);
    if (!m) throw new Error(`the loudness measurement of audio output ${n} is missing from ffmpeg's output`);
    return m;
  });
}

/**
 * The filter that brings one output to the target. Linear gain when the measured true peak plus
 * that gain stays under the ceiling; else loudnorm with the measurements (it limits dynamically);
 * silence is left alone; no measurement: one-pass dynamic loudnorm.
 */
export function normalisationFilter(measured: LoudnessMeasurement | undefined, target = LOUDNESS_TARGET): string {
  const base = `loudnorm=I=${target.integratedLufs}:TP=${target.truePeakDbtp}:LRA=${target.rangeLu}`;
  if (!measured) return base;
  if (!(measured.integratedLufs > SILENCE_LUFS)) return 'anull';
  const gain = target.integratedLufs - measured.integratedLufs;
  if (measured.truePeakDbtp + gain <= target.truePeakDbtp) return `volume=${gain.toFixed(2)}dB`;
  const m = measured;
  // loudnorm's measured_* options only take finite values within its ranges.
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v)).toFixed(2);
  return `${base}:measured_I=${clamp(m.integratedLufs, -99, 0)}:measured_TP=${clamp(m.truePeakDbtp, -99, 99)}:measured_LRA=${clamp(m.rangeLu, 0, 99)}:measured_thresh=${clamp(m.thresholdLufs, -99, 0)}:linear=true`;
}

export interface AudioArgsInput {
  tracks: readonly SourceAudioTrack[];
  /** ffmpeg input index (`-i` position, 0-based) of the file holding the tracks. */
  inputIndex: number;
  /** Absolute output stream index of the first audio output (= number of streams mapped before it). */
  firstOutputIndex: number;
  /** Adaptation set id of the first audio output (= number of adaptation sets before it). */
  firstAdaptationSetId: number;
  /** From the measuring pass, one per output in `audioOutputs` order; absent: one-pass dynamic loudnorm. */
  measurements?: readonly LoudnessMeasurement[];
}

export interface AudioArgs {
  outputs: AudioOutput[];
  /** Filter graph chains (joined with ';'), to pass as their own `-filter_complex` or join to yours. */
  filterGraph: string;
  /** `-map [aout0] -map [aout1] …`, to add right after the streams before `firstOutputIndex`. */
  mapArgs: string[];
  /** Per-output-stream encoder options and language metadata: output options, anywhere before the output file. */
  codecArgs: string[];
  /** One `id=K,streams=N` per output, to join with spaces to the video's sets in `-adaptation_sets`. */
  adaptationSets: string[];
}

export function audioArgs(opts: AudioArgsInput): AudioArgs {
  const { inputIndex, firstOutputIndex, firstAdaptationSetId, measurements } = opts;
  if (!(Number.isInteger(inputIndex) && inputIndex >= 0)) throw new RangeError(`inputIndex must be a whole number >= 0, got ${inputIndex}`);
  if (!(Number.isInteger(firstOutputIndex) && firstOutputIndex >= 0)) throw new RangeError(`firstOutputIndex must be a whole number >= 0, got ${firstOutputIndex}`);
  const outputs = audioOutputs(opts.tracks, firstOutputIndex, firstAdaptationSetId);
  if (measurements && measurements.length !== outputs.length) throw new RangeError(`${measurements.length} loudness measurements for ${outputs.length} audio outputs`);

  // loudnorm works at 192 kHz internally; the final aresample brings every output to 48 kHz.
  const filterGraph = outputs
    .map((o, n) => `[${inputIndex}:${o.sourceIndex}]${layoutFilter(o)},${normalisationFilter(measurements?.[n])},aresample=${AUDIO_SAMPLE_RATE}[${o.pad}]`)
    .join(';');
  const mapArgs = outputs.flatMap((o) => ['-map', `[${o.pad}]`]);
  const codecArgs = outputs.flatMap((o) => {
    const s = String(o.outputIndex);
    return [`-c:${s}`, 'aac', `-b:${s}`, `${o.kbps}k`, `-ac:${s}`, String(o.channels), `-ar:${s}`, String(AUDIO_SAMPLE_RATE), `-metadata:s:${s}`, `language=${o.language}`];
  });
  const adaptationSets = outputs.map((o) => `id=${o.adaptationSetId},streams=${o.outputIndex}`);
  return { outputs, filterGraph, mapArgs, codecArgs, adaptationSets };
}

export interface AudioPackageArgsInput {
  input: string;
  /** Receives manifest.mpd, master.m3u8, media_<n>.m3u8 and the segments; it must exist. */
  outDir: string;
  tracks: readonly SourceAudioTrack[];
  /** The video's segment length, so audio segments line up with its segments. */
  segmentSec: number;
  /** Output is cut here (the video's length), so a dub never outlasts its picture. */
  maxDurationSec: number;
  measurements?: readonly LoudnessMeasurement[];
}

/**
 * An audio-only package (CMAF segments, its own MPD and HLS playlists) of these tracks: how an
 * audio track added to an already packaged video (a dub) is made. Its Representations are then
 * moved into the video's manifests (audioManifests.ts).
 */
export function audioPackageArgs(o: AudioPackageArgsInput): string[] {
  if (o.tracks.length === 0) throw new RangeError('an audio package needs at least one track');
  if (!(o.segmentSec > 0)) throw new RangeError(`segmentSec must be positive, got ${o.segmentSec}`);
  if (!(o.maxDurationSec > 0)) throw new RangeError(`maxDurationSec must be positive, got ${o.maxDurationSec}`);
  const audio = audioArgs({ tracks: o.tracks, inputIndex: 0, firstOutputIndex: 0, firstAdaptationSetId: 0, ...(o.measurements ? { measurements: o.measurements } : {}) });
  return [
    ...['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-i', o.input, '-filter_complex', audio.filterGraph],
    ...audio.mapArgs,
    ...['-map_metadata', '-1', '-map_chapters', '-1', '-t', o.maxDurationSec.toFixed(3)],
    ...audio.codecArgs,
    ...['-f', 'dash', '-seg_duration', String(o.segmentSec), '-use_template', '1', '-use_timeline', '0'],
    ...['-init_seg_name', 'init-stream$RepresentationID$.$ext$', '-media_seg_name', 'chunk-stream$RepresentationID$-$Number%05d$.$ext$'],
    ...['-dash_segment_type', 'mp4', '-hls_playlist', '1', '-adaptation_sets', audio.adaptationSets.join(' ')],
    ...['-progress', 'pipe:1', '-nostats', join(o.outDir, 'manifest.mpd')],
  ];
}

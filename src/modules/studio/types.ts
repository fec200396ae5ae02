import type { LadderMode, LadderReport } from './media/encodeTitle.ts';
import type { PackageProtection } from './media/encryptPackage.ts';
import type { QcReport } from './qc/verdict.ts';

/** qc_failed: encoded and stored, but held back from publishing until QC passes or an admin overrides it. */
export type VideoStatus = 'processing' | 'ready' | 'failed' | 'qc_failed';

export interface Rendition {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  codec: string;
}

/** Paths of a packaged video's entry points, relative to the video's folder. */
export interface VideoFiles {
  dash: string;
  hls: string;
  poster: string | null;
  thumbnails: string[];
  /** A wide still from a different moment than the poster (absent in videos encoded before backdrops). */
  backdrop?: string;
  /** Trick-play thumbnails: a WebVTT track whose cues point into sprite sheets (`sprite_001.jpg#xywh=x,y,w,h`). */
  trickplay?: TrickplayFiles;
  /** Set when the segments are encrypted (CENC): the key id and its pssh, for manifests and licences. */
  protection?: PackageProtection;
  /** Uploaded subtitles, one per language, as WebVTT (and its HLS playlist); listed in the manifests per session. */
  subtitles?: SubtitleFile[];
  /** Audio renditions, in manifest order: the source's tracks (stereo, plus 5.1 where it had one), then attached dubs. */
  audio?: AudioTrackFile[];
}

export interface TrickplayFiles {
  vtt: string;
  sprites: string[];
  intervalSec: number;
  /** One thumbnail's size in the sheets. */
  width: number;
  height: number;
}

export interface AudioTrackFile {
  /** BCP 47 tag ('und' when the source did not say). */
  language: string;
  channels: number;
  kbps: number;
  codec: string;
  /** Set for a dub attached after encoding: the folder of its files, relative to the manifests. */
  dubDir?: string;
}

export interface SubtitleFile {
  /** BCP 47 tag, e.g. en or pt-BR. */
  language: string;
  label: string;
  vtt: string;
  playlist: string;
  cues: number;
  uploadedAt: string;
}

export interface Video {
  id: string;
  status: VideoStatus;
  titleId: string;
  episodeId: string | null;
  durationSec: number | null;
  width: number | null;
  height: number | null;
  renditions: Rendition[];
  files: VideoFiles | null;
  errorCode: string | null;
  /** The packaged output's id: its files live under `videos/<assetId>/`. */
  assetId: string;
  /** How the ladder was chosen (per-title hull or fixed) and each rung's measured quality; null before it is encoded. */
  ladder: LadderReport | null;
  /** The quality control report (checks, black and frozen stretches, any admin override); null before QC ran. */
  qc: QcReport | null;
}

export interface StudioJob {
  jobId: string;
  titleId: string;
  episodeId: string | null;
  videoId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  stage: string;
  progress: number;
  error?: { code: string; message: string };
  createdAt: string;
  updatedAt: string;
}

export const ENCODE_JOB = 'encode_video';
export const ATTACH_AUDIO_JOB = 'attach_audio';

/** A dub to package and add to a ready video's manifests. */
export interface AttachAudioJobPayload {
  videoId: string;
  /** BCP 47 tag. */
  language: string;
  sourceKey: string;
}

export interface EncodeJobPayload {
  uploadId: string;
  videoId: string;
  sourceKey: string;
  titleId: string;
  episodeId: string | null;
  /** Ladder mode chosen at upload; absent: the studio's ENCODE_LADDER setting. */
  ladder?: LadderMode;
  /** Encrypt the package with the title's content key (absent in jobs queued before protection existed: clear). */
  protected?: boolean;
}

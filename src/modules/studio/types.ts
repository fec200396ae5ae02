import type { LadderMode, LadderReport } from './media/encodeTitle.ts';
import type { PackageProtection } from './media/encryptPackage.ts';

export type VideoStatus = 'processing' | 'ready' | 'failed';

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
  /** Set when the segments are encrypted (CENC): the key id and its pssh, for manifests and licences. */
  protection?: PackageProtection;
  /** Uploaded subtitles, one per language, as WebVTT (and its HLS playlist); listed in the manifests per session. */
  subtitles?: SubtitleFile[];
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

/**
 * The media layer of the encoding pipeline: ffmpeg/ffprobe commands as plain data, one runner,
 * and encodeVideo() tying them together. The studio module's jobs call this; nothing here knows
 * about HTTP, the database or object storage.
 */
export { encodeVideo, type EncodedRendition, type EncodedVideo, type EncodeStage, type EncodeVideoOptions } from './encodeTitle.ts';
export { probeMedia, parseProbeJson, MIN_DURATION_SEC, type AudioStreamInfo, type MediaInfo } from './probe.ts';
export { MediaRejectedError, isMediaRejectedError, type MediaRejectedCode } from './mediaRejectedError.ts';
export { fixedLadder, videoKbpsFor, DEFAULT_LADDER, MIN_RUNGS, type LadderStep, type Rung } from './ladder.ts';
export {
  ladderArgs,
  outputFps,
  AUDIO_CODEC,
  AUDIO_KBPS,
  DASH_MANIFEST,
  HLS_MASTER,
  INIT_SEGMENT_TEMPLATE,
  MEDIA_SEGMENT_TEMPLATE,
  type LadderArgsInput,
  type X264Preset,
} from './encodeArgs.ts';
export {
  posterArgs,
  thumbnailArgs,
  POSTER_FILE,
  THUMBNAIL_INTERVAL_SEC,
  THUMBNAIL_PATTERN,
  type PosterArgsInput,
  type ThumbnailArgsInput,
} from './imageArgs.ts';
export { runFfmpeg, FfmpegError, ProgressParser, type FfmpegResult, type RunFfmpegOptions } from './runFfmpeg.ts';
export { demoVideoArgs, DEMO_VIDEO_KINDS, DEMO_VIDEO_DESCRIPTIONS, type DemoVideoKind, type DemoVideoOptions } from './demoVideo.ts';
export { makeDemoVideo, canDrawText, type MakeDemoVideoOptions } from './makeDemoVideo.ts';
export { readRepresentations, playlistUris, isRelativeUri, type MpdRepresentation } from './manifests.ts';

import { invalid, unsupportedMedia } from '../../platform/errors.ts';
import type { LadderMode } from './media/encodeTitle.ts';
import { looksLikeVideo } from './routes.ts';

/** What a resumable (tus) upload says about itself in its Upload-Metadata. */
export interface TusUploadRequest {
  titleId: string;
  episodeId: string | null;
  filename: string;
  ladder?: LadderMode;
  protected?: boolean;
  /** Hex SHA-256 of the whole file, checked once the last byte is in. */
  sha256: string;
}

/** Validates the client's metadata at creation, before any bytes are accepted. */
export function parseTusMetadata(meta: Record<string, string | null | undefined>): TusUploadRequest {
  const titleId = meta.titleId;
  if (!titleId) throw invalid('title_required', 'Upload-Metadata needs titleId', 'titleId');
  const sha256 = meta.sha256?.toLowerCase();
  if (!sha256) throw invalid('checksum_required', 'Upload-Metadata needs sha256 (hex SHA-256 of the whole file)', 'sha256');
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalid('invalid_checksum', 'sha256 must be 64 hex digits', 'sha256');
  const ladder = meta.ladder ?? undefined;
  if (ladder !== undefined && ladder !== 'per-title' && ladder !== 'fixed') throw invalid('invalid_ladder', 'ladder must be per-title or fixed', 'ladder');
  const protection = meta.protected ?? undefined;
  if (protection !== undefined && protection !== 'true' && protection !== 'false') throw invalid('invalid_protected', 'protected must be true or false', 'protected');
  const filename = meta.filename || undefined;
  const filetype = meta.filetype || undefined;
  // Without a name or type there is nothing to judge early; the probe in the encode job decides.
  if ((filename || filetype) && !looksLikeVideo(filename ?? '', filetype ?? '')) throw unsupportedMedia('not_a_video_type', `${filename ?? filetype} is not a video file`);
  return {
    titleId,
    episodeId: meta.episodeId || null,
    filename: filename ?? 'upload',
    sha256,
    ...(ladder !== undefined ? { ladder } : {}),
    ...(protection !== undefined ? { protected: protection === 'true' } : {}),
  };
}

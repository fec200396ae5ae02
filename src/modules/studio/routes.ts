import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { invalid, tooLarge, unsupportedMedia } from '../../platform/errors.ts';
import type { Authenticator } from '../identity/index.ts';
import type { StudioService } from './service.ts';
import { acceptSingleFile } from './singleFileUpload.ts';

/** Comment lines this often keep proxies from closing a quiet progress stream. */
const SSE_HEARTBEAT_MS = 15_000;

function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Subtitles for a feature film are tens of kilobytes; anything far larger is not a subtitle file. */
const SUBTITLE_MAX_BYTES = 2 * 1024 * 1024;

const VIDEO_EXTENSIONS = new Set(['mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'mxf', 'ts', 'mpg', 'mpeg', 'y4m']);

/** A cheap first gate; the probe in the encode job is the real check of what the bytes are. */
export function looksLikeVideo(filename: string, mimetype: string): boolean {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return mimetype.startsWith('video/') || (mimetype === 'application/octet-stream' && VIDEO_EXTENSIONS.has(ext)) || VIDEO_EXTENSIONS.has(ext);
}

export function studioRoutes(service: StudioService, auth: Authenticator, uploadMaxBytes: number) {
  const limited = () => tooLarge('upload_too_large', `Uploads are limited to ${uploadMaxBytes} bytes`);
  return async (app: FastifyInstance) => {
    app.post('/api/v1/studio/uploads', async (request, reply) => {
      const caller = await auth.role(request, 'partner', 'admin');
      const isAdmin = caller.role === 'admin';
      if (!request.isMultipart()) throw unsupportedMedia('multipart_required', 'Send the upload as multipart/form-data with fields titleId, episodeId? and file');

      const accept = async (file: MultipartFile, fields: Record<string, string>) => {
        if (file.fieldname !== 'file') throw invalid('unexpected_file_field', `Unexpected file field ${file.fieldname}; send the video as "file"`, file.fieldname);
        const titleId = fields.titleId;
        if (!titleId) throw invalid('title_required', 'titleId is required (send it before the file)', 'titleId');
        const ladder = fields.ladder;
        if (ladder !== undefined && ladder !== 'per-title' && ladder !== 'fixed') throw invalid('invalid_ladder', 'ladder must be per-title or fixed', 'ladder');
        const protection = fields.protected;
        if (protection !== undefined && protection !== 'true' && protection !== 'false') throw invalid('invalid_protected', 'protected must be true or false', 'protected');
        if (!looksLikeVideo(file.filename, file.mimetype)) throw unsupportedMedia('not_a_video_type', `${file.filename} (${file.mimetype}) is not a video file`);
        // Checked before any bytes are stored, so a refused upload leaves nothing behind.
        await service.checkTarget(caller.accountId, isAdmin, titleId, fields.episodeId);
        return service.ingest({
          accountId: caller.accountId,
          isAdmin,
          titleId,
          episodeId: fields.episodeId ?? null,
          ...(protection !== undefined ? { protected: protection === 'true' } : {}),
          ...(ladder !== undefined ? { ladder } : {}),
          filename: file.filename,
          source: file.file,
          // Past the size limit the multipart stream just stops; the stored part must not be kept.
          assertComplete: () => {
            if (file.file.truncated) throw limited();
          },
        });
      };
      const result = await acceptSingleFile(request, { fileSize: uploadMaxBytes, fields: 10, tooLarge: limited }, accept);
      return reply.status(202).send({ uploadId: result.uploadId, jobId: result.jobId, videoId: result.videoId });
    });

    app.get('/api/v1/studio/jobs', async (request) => {
      const caller = await auth.role(request, 'partner', 'admin');
      return { items: await service.uploads({ accountId: caller.accountId, isAdmin: caller.role === 'admin' }) };
    });

    app.get<{ Params: { videoId: string } }>('/api/v1/studio/videos/:videoId', async (request) => {
      const caller = await auth.role(request, 'partner', 'admin');
      return service.uploadedVideo(request.params.videoId, { accountId: caller.accountId, isAdmin: caller.role === 'admin' });
    });

    app.post<{ Params: { videoId: string } }>('/api/v1/studio/videos/:videoId/subtitles', async (request, reply) => {
      const caller = await auth.role(request, 'partner', 'admin');
      if (!request.isMultipart()) throw unsupportedMedia('multipart_required', 'Send the subtitles as multipart/form-data with fields language, label? and file');
      const fields: Record<string, string> = {};
      let bytes: Buffer | undefined;
      let failure: unknown;
      // Read to the end even when refusing, so the client gets our 4xx rather than a reset.
      for await (const part of request.parts({ limits: { fileSize: SUBTITLE_MAX_BYTES, files: 1, fields: 5 } })) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
        } else if (part.fieldname !== 'file') {
          part.file.resume();
          failure ??= invalid('unexpected_file_field', `Unexpected file field ${part.fieldname}; send the subtitles as "file"`, part.fieldname);
        } else {
          bytes = await part.toBuffer().catch((err: unknown) => {
            part.file.resume();
            failure ??= err instanceof Error && 'code' in err && err.code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge('subtitles_too_large', `Subtitle files are limited to ${SUBTITLE_MAX_BYTES} bytes`) : err;
            return undefined;
          });
        }
      }
      if (failure) throw failure;
      if (bytes === undefined) throw invalid('file_required', 'file is required', 'file');
      if (!fields.language) throw invalid('language_required', 'language is required (e.g. en, pt-BR)', 'language');
      const track = await service.addSubtitles({ videoId: request.params.videoId, language: fields.language, ...(fields.label ? { label: fields.label } : {}), bytes, accountId: caller.accountId, isAdmin: caller.role === 'admin' });
      return reply.status(201).send(track);
    });

    app.post<{ Params: { videoId: string }; Body: { reason?: unknown } | null }>('/api/v1/admin/videos/:videoId/qc-override', async (request) => {
      const caller = await auth.role(request, 'admin');
      return service.overrideQc(request.params.videoId, { adminId: caller.accountId, reason: request.body?.reason });
    });

    app.get<{ Params: { jobId: string } }>('/api/v1/studio/jobs/:jobId', async (request) => {
      const caller = await auth.role(request, 'partner', 'admin');
      return service.job(request.params.jobId, { accountId: caller.accountId, isAdmin: caller.role === 'admin' });
    });

    // Server-Sent Events read with fetch (the token stays in the Authorization header, never in
    // the URL as EventSource would need): `progress` events, then one `end` with the final state.
    app.get<{ Params: { jobId: string } }>('/api/v1/studio/jobs/:jobId/events', async (request, reply) => {
      const caller = await auth.role(request, 'partner', 'admin');
      const owner = { accountId: caller.accountId, isAdmin: caller.role === 'admin' };
      // Checked before the 200 goes out, so a stranger's job is a plain 403/404.
      await service.job(request.params.jobId, owner);
      const stop = new AbortController();
      reply.raw.once('close', () => stop.abort());
      const events = async function* () {
        const updates = service.watchJob(request.params.jobId, owner, { signal: stop.signal });
        let next = updates.next();
        let last: unknown;
        for (;;) {
          let timer: NodeJS.Timeout | undefined;
          const quiet = new Promise<'quiet'>((resolve) => (timer = setTimeout(() => resolve('quiet'), SSE_HEARTBEAT_MS)));
          const got = await Promise.race([next, quiet]);
          clearTimeout(timer);
          if (got === 'quiet') {
            yield ': keep-alive\n\n';
            continue;
          }
          if (got.done) break;
          last = got.value;
          yield sseEvent('progress', got.value);
          next = updates.next();
        }
        if (last) yield sseEvent('end', last);
      };
      return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store').header('x-accel-buffering', 'no').send(Readable.from(events(), { objectMode: false }));
    });
  };
}

import type { FastifyInstance } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { invalid, unsupportedMedia } from '../../platform/errors.ts';
import type { Authenticator } from '../identity/index.ts';
import type { StudioService } from './service.ts';

const VIDEO_EXTENSIONS = new Set(['mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'mxf', 'ts', 'mpg', 'mpeg', 'y4m']);

/** A cheap first gate; the probe in the encode job is the real check of what the bytes are. */
export function looksLikeVideo(filename: string, mimetype: string): boolean {
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  return mimetype.startsWith('video/') || (mimetype === 'application/octet-stream' && VIDEO_EXTENSIONS.has(ext)) || VIDEO_EXTENSIONS.has(ext);
}

export function studioRoutes(service: StudioService, auth: Authenticator, uploadMaxBytes: number) {
  return async (app: FastifyInstance) => {
    app.post('/api/v1/studio/uploads', async (request, reply) => {
      const caller = await auth.role(request, 'partner', 'admin');
      const isAdmin = caller.role === 'admin';
      if (!request.isMultipart()) throw unsupportedMedia('multipart_required', 'Send the upload as multipart/form-data with fields titleId, episodeId? and file');
      const fields: Record<string, string> = {};
      let file: MultipartFile | undefined;
      // Fields must come before the file so the target is checked before any bytes are stored.
      for await (const part of request.parts({ limits: { fileSize: uploadMaxBytes, files: 1, fields: 10 } })) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== 'file') throw invalid('unexpected_file_field', `Unexpected file field ${part.fieldname}; send the video as "file"`, part.fieldname);
        file = part;
        break;
      }
      if (!file) throw invalid('file_required', 'file is required', 'file');
      const titleId = fields.titleId;
      if (!titleId) throw invalid('title_required', 'titleId is required (send it before the file)', 'titleId');
      if (!looksLikeVideo(file.filename, file.mimetype)) throw unsupportedMedia('not_a_video_type', `${file.filename} (${file.mimetype}) is not a video file`);
      await service.checkTarget(caller.accountId, isAdmin, titleId, fields.episodeId);
      // Past the size limit the file stream errors with a 413, and the store discards the partial object.
      const result = await service.ingest({ accountId: caller.accountId, isAdmin, titleId, episodeId: fields.episodeId ?? null, filename: file.filename, source: file.file });
      return reply.status(202).send({ uploadId: result.uploadId, jobId: result.jobId, videoId: result.videoId });
    });

    app.get<{ Params: { jobId: string } }>('/api/v1/studio/jobs/:jobId', async (request) => {
      const caller = await auth.role(request, 'partner', 'admin');
      return service.job(request.params.jobId, { accountId: caller.accountId, isAdmin: caller.role === 'admin' });
    });
  };
}

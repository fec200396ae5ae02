import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { invalid, tooLarge, unsupportedMedia } from '../../platform/errors.ts';
import type { Authenticator } from '../identity/index.ts';
import type { DubService } from './dubService.ts';
import { looksLikeAudio } from './dubs.ts';
import { acceptSingleFile } from './singleFileUpload.ts';

/** POST /api/v1/studio/videos/:videoId/audio: multipart `language` (before the file) and `file`. */
export function dubRoutes(service: DubService, auth: Authenticator, uploadMaxBytes: number) {
  const limited = () => tooLarge('upload_too_large', `Uploads are limited to ${uploadMaxBytes} bytes`);
  return async (app: FastifyInstance) => {
    app.post<{ Params: { videoId: string } }>('/api/v1/studio/videos/:videoId/audio', async (request, reply) => {
      const caller = await auth.role(request, 'partner', 'admin');
      if (!request.isMultipart()) throw unsupportedMedia('multipart_required', 'Send the audio as multipart/form-data with fields language and file');
      const target = { videoId: request.params.videoId, accountId: caller.accountId, isAdmin: caller.role === 'admin' };

      const accept = async (file: MultipartFile, fields: Record<string, string>) => {
        if (file.fieldname !== 'file') throw invalid('unexpected_file_field', `Unexpected file field ${file.fieldname}; send the audio as "file"`, file.fieldname);
        const language = fields.language;
        if (!language) throw invalid('language_required', 'language is required (e.g. fr, pt-BR; send it before the file)', 'language');
        // Refused before any bytes are kept.
        await service.checkTarget({ ...target, language });
        if (!looksLikeAudio(file.filename, file.mimetype)) throw unsupportedMedia('not_an_audio_type', `${file.filename} (${file.mimetype}) is not an audio file`);
        // ffprobe needs a file: the upload is spooled locally, probed, then stored.
        const spool = await mkdtemp(join(tmpdir(), 'marquee-dub-'));
        try {
          const path = join(spool, 'source');
          await pipeline(file.file, createWriteStream(path));
          if (file.file.truncated) throw limited();
          return await service.attachAudio({ ...target, language, filePath: path, filename: file.filename });
        } finally {
          await rm(spool, { recursive: true, force: true });
        }
      };
      return reply.status(202).send(await acceptSingleFile(request, { fileSize: uploadMaxBytes, fields: 5, tooLarge: limited }, accept));
    });
  };
}

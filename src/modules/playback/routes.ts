import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../identity/index.ts';
import type { PlaybackService, StartRequest } from './service.ts';

const positionBody = {
  type: 'object',
  required: ['positionSec'],
  additionalProperties: false,
  properties: { positionSec: { type: 'number', minimum: 0, maximum: 1e6 } },
} as const;

export function playbackRoutes(service: PlaybackService, auth: Authenticator, publicUrl?: string) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: { videoId: string }; Body: StartRequest | undefined }>(
      '/api/v1/playback/:videoId/start',
      {
        schema: {
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: {
              deviceId: { type: 'string', minLength: 1, maxLength: 200 },
              capabilities: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  codecs: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 100 } },
                  maxHeight: { type: 'integer', minimum: 1, maximum: 10000 },
                },
              },
            },
          },
        },
      },
      async (request) => service.start(await auth.profile(request), request.params.videoId, request.body ?? {}, { originUrl: publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}` }),
    );

    app.post<{ Params: { playbackId: string }; Body: { positionSec: number } }>('/api/v1/playback/:playbackId/heartbeat', { schema: { body: positionBody } }, async (request, reply) => {
      await service.heartbeat(await auth.profile(request), request.params.playbackId, request.body.positionSec);
      return reply.status(204).send();
    });

    app.post<{ Params: { playbackId: string }; Body: { positionSec: number } }>('/api/v1/playback/:playbackId/stop', { schema: { body: positionBody } }, async (request, reply) => {
      await service.stop(await auth.profile(request), request.params.playbackId, request.body.positionSec);
      return reply.status(204).send();
    });
  };
}

import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../platform/errors.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { Authenticator } from '../identity/index.ts';
import { DEVICE_TYPES } from './devices.ts';
import { LICENCE_HEADER, LICENCE_PATH, type PlaybackService, type StartRequest } from './service.ts';

const positionBody = {
  type: 'object',
  required: ['positionSec'],
  additionalProperties: false,
  properties: { positionSec: { type: 'number', minimum: 0, maximum: 1e6 } },
} as const;

export function playbackRoutes(service: PlaybackService, auth: Authenticator, metrics: Metrics, publicUrl?: string) {
  const starts = metrics.counter('streaming_starts_total', 'Total streaming playback starts', ['quality', 'content_type', 'device']);
  const startErrors = metrics.counter('streaming_playback_errors_total', 'Total playback errors', ['error_type', 'content_type']);
  return async (app: FastifyInstance) => {
    app.post<{ Params: { videoId: string }; Body: StartRequest | undefined }>(
      '/api/v1/playback/:videoId/start',
      {
        schema: {
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: {
              deviceId: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
              deviceName: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
              deviceType: { type: 'string', enum: DEVICE_TYPES },
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
      async (request) => {
        const caller = await auth.profile(request);
        try {
          const started = await service.start(caller, request.params.videoId, request.body ?? {}, {
            originUrl: publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`,
            ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
          });
          starts.inc({ quality: `${started.limits.maxHeight}p`, content_type: started.episodeId ? 'episode' : 'movie', device: request.body?.deviceType ?? 'unknown' });
          return started;
        } catch (err) {
          startErrors.inc({ error_type: `start_${err instanceof DomainError ? err.code : 'internal'}`, content_type: 'unknown' });
          throw err;
        }
      },
    );

    app.post<{ Params: { playbackId: string }; Body: { positionSec: number } }>('/api/v1/playback/:playbackId/heartbeat', { schema: { body: positionBody } }, async (request, reply) => {
      await service.heartbeat(await auth.profile(request), request.params.playbackId, request.body.positionSec);
      return reply.status(204).send();
    });

    app.post<{ Params: { playbackId: string }; Body: { positionSec: number } }>('/api/v1/playback/:playbackId/stop', { schema: { body: positionBody } }, async (request, reply) => {
      await service.stop(await auth.profile(request), request.params.playbackId, request.body.positionSec);
      return reply.status(204).send();
    });

    /** ClearKey licence (W3C EME JSON). The session's licence token comes in a header, never the URL. */
    app.post(LICENCE_PATH, async (request) => {
      const caller = await auth.account(request);
      const token = request.headers[LICENCE_HEADER];
      return service.licence(caller, typeof token === 'string' ? token : undefined, request.body);
    });

    app.get('/api/v1/account/devices', async (request) => ({ items: await service.devices((await auth.account(request)).accountId) }));

    app.delete<{ Params: { deviceId: string } }>('/api/v1/account/devices/:deviceId', async (request, reply) => {
      await service.removeDevice((await auth.account(request)).accountId, request.params.deviceId);
      return reply.status(204).send();
    });
  };
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, pipeline } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, forbidden, notFound } from '../../platform/errors.ts';
import { domainErrorResponse } from '../../platform/http/errorHandler.ts';
import type { Authenticator } from '../identity/index.ts';
import type { StudioService } from './service.ts';
import { parseTusMetadata } from './tusMetadata.ts';

const TUS_PATH = '/api/v1/studio/tus';
/** Set by the server on creation, over anything the client sent: who may resume the upload. */
const OWNER_KEY = 'marqueeAccountId';
const RESULT_HEADERS = ['Marquee-Job-Id', 'Marquee-Upload-Id', 'Marquee-Video-Id'];
/** The tus server's default upload ids: 16 random bytes in hex. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

interface Caller {
  accountId: string;
  isAdmin: boolean;
}

/**
 * Resumable uploads (tus 1.0: creation, HEAD/PATCH resume, termination). Partial files live in
 * `directory`; the finished file goes through the same ingest as a multipart upload and the
 * response carries the encode job's id in Marquee-Job-Id.
 */
export function tusRoutes(o: { service: StudioService; auth: Authenticator; uploadMaxBytes: number; directory: string }) {
  // Made on first use: FileStore creates its directory in the background when constructed, which a
  // process that never takes a tus upload (a worker, a test torn down at once) must not race.
  let fileStore: FileStore | undefined;
  const store = () => (fileStore ??= new FileStore({ directory: o.directory }));
  // Hooks see a web Request; the caller checked by Fastify is found again through the Node request.
  const callers = new WeakMap<IncomingMessage, Caller>();
  const callerOf = (req: Request): Caller => {
    const node = (req as Request & { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;
    const caller = node && callers.get(node);
    if (!caller) throw forbidden('role_required', 'This needs the partner or admin role');
    return caller;
  };

  let tus: Server | undefined;
  const tusServer = () => (tus ??= new Server({
    path: TUS_PATH,
    datastore: store(),
    maxSize: o.uploadMaxBytes,
    relativeLocation: true,
    exposedHeaders: RESULT_HEADERS,
    async onUploadCreate(req, upload) {
      const caller = callerOf(req);
      const wanted = parseTusMetadata(upload.metadata ?? {});
      await o.service.checkTarget(caller.accountId, caller.isAdmin, wanted.titleId, wanted.episodeId);
      return { metadata: { ...upload.metadata, [OWNER_KEY]: caller.accountId } };
    },
    async onUploadFinish(req, upload) {
      const caller = callerOf(req);
      // Kept after an unexpected failure, so repeating the final PATCH retries the ingest.
      const result = await ingestFinished(upload, caller).catch(async (err: unknown) => {
        if (err instanceof DomainError) await store().remove(upload.id).catch(() => undefined);
        throw err;
      });
      // The job exists now; a leftover partial file is only disk space, not a failed upload.
      await store().remove(upload.id).catch(() => undefined);
      return { headers: { 'Marquee-Job-Id': result.jobId, 'Marquee-Upload-Id': result.uploadId, 'Marquee-Video-Id': result.videoId } };
    },
    async onResponseError(_req, err) {
      if (!(err instanceof DomainError)) return undefined;
      const sent = domainErrorResponse(err);
      return { status_code: sent.status, body: JSON.stringify(sent.body) };
    },
  }));

  /** Copies the file into object storage while hashing it; a wrong checksum keeps nothing. */
  async function ingestFinished(upload: Upload, caller: Caller) {
    const wanted = parseTusMetadata(upload.metadata ?? {});
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const source = pipeline(createReadStream(join(o.directory, upload.id)), hashing, () => undefined);
    return o.service.ingest({
      accountId: upload.metadata?.[OWNER_KEY] ?? caller.accountId,
      isAdmin: caller.isAdmin,
      titleId: wanted.titleId,
      episodeId: wanted.episodeId,
      filename: wanted.filename,
      source,
      ...(wanted.ladder ? { ladder: wanted.ladder } : {}),
      ...(wanted.protected !== undefined ? { protected: wanted.protected } : {}),
      assertComplete: () => {
        if (hash.digest('hex') !== wanted.sha256) throw new DomainError('unprocessable', 'checksum_mismatch', 'The uploaded bytes do not match the sha256 in Upload-Metadata; upload the file again');
      },
    });
  }

  return async (app: FastifyInstance) => {
    // The tus server reads PATCH bodies itself.
    app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'OPTIONS') {
        const caller = await o.auth.role(request, 'partner', 'admin');
        const isAdmin = caller.role === 'admin';
        const id = request.url.split('?')[0]!.slice(TUS_PATH.length + 1);
        if (id && !UPLOAD_ID.test(id)) throw notFound('upload_not_found', 'No such upload');
        if (id && !isAdmin) {
          const existing = await store().getUpload(id).catch(() => undefined);
          if (existing && existing.metadata?.[OWNER_KEY] !== caller.accountId) throw forbidden('not_your_upload', 'This upload belongs to another partner');
        }
        callers.set(request.raw, { accountId: caller.accountId, isAdmin });
      }
      reply.hijack();
      await tusServer().handle(request.raw, reply.raw);
    };
    app.all(TUS_PATH, handler);
    app.all(`${TUS_PATH}/*`, handler);
  };
}

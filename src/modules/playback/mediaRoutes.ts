import type { FastifyInstance } from 'fastify';
import parseRange from 'range-parser';
import { forbidden, notFound } from '../../platform/errors.ts';
import { readObjectText, type ObjectStore } from '../../platform/objects/index.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { MEDIA_CONTENT_TYPES as CONTENT_TYPES, mediaCacheControl as cacheControl } from './mediaFiles.ts';
import { type Protection, type RenditionLimits, type SubtitleTrack, filterHlsMaster, filterMpd, withContentProtection, withHlsSubtitles, withMpdSubtitles } from './sessionManifest.ts';
import { checkMediaToken, mayFetch } from './signedUrl.ts';

/** What one session's manifests may list and must declare (from its playback start). */
export type ManifestView = (playbackId: string) => Promise<{ limits: RenditionLimits | undefined; protection: Protection | undefined; subtitles: SubtitleTrack[] } | undefined>;

/** The packaged manifest as this session may see it: its renditions only, its protection declared, its video's subtitles listed. */
function sessionManifest(ext: string, text: string, view: Awaited<ReturnType<ManifestView>>): string {
  if (!view) return text;
  if (ext === 'mpd') {
    const filtered = view.limits ? filterMpd(text, view.limits) : text;
    // Subtitles last: text sets carry no ContentProtection.
    return withMpdSubtitles(view.protection ? withContentProtection(filtered, view.protection) : filtered, view.subtitles);
  }
  return withHlsSubtitles(view.limits && text.includes('#EXT-X-STREAM-INF') ? filterHlsMaster(text, view.limits) : text, view.subtitles);
}

export function mediaRoutes(objects: ObjectStore, urlSecret: string, metrics: Metrics, manifestView: ManifestView) {
  const refused = metrics.counter('marquee_media_refused_total', 'Media requests refused by URL signature checks', ['reason']);
  const served = metrics.counter('marquee_media_bytes_total', 'Media bytes served', ['kind']);
  const manifestLatency = metrics.histogram('manifest_generation_seconds', 'Time to generate playback manifest', ['kind'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  return async (app: FastifyInstance) => {
    app.get<{ Params: { token: string; assetId: string; '*': string } }>('/media/:token/:assetId/*', async (request, reply) => {
      const { token, assetId } = request.params;
      const file = request.params['*'];
      const check = checkMediaToken(urlSecret, token, assetId, Math.floor(Date.now() / 1000));
      if (!check.ok) {
        refused.inc({ reason: check.reason });
        throw forbidden(check.reason === 'expired' ? 'url_expired' : 'url_signature_invalid', check.reason === 'expired' ? 'This media URL has expired; start playback again' : 'This media URL is not valid');
      }
      if (!mayFetch(check.token, file)) {
        refused.inc({ reason: 'rendition_not_allowed' });
        throw forbidden('rendition_not_allowed', "This rendition is above what this playback's plan or device allows");
      }
      const ext = file.split('.').pop()?.toLowerCase() ?? '';
      const type = CONTENT_TYPES[ext];
      if (!type || file.split('/').some((s) => s === '' || s === '..' || s === '.')) throw notFound('media_not_found', 'No such media file');
      const key = `videos/${assetId}/${file}`;
      const info = await objects.stat(key);
      if (!info) throw notFound('media_not_found', 'No such media file');

      reply
        .header('content-type', type)
        .header('accept-ranges', 'bytes')
        .header('cache-control', cacheControl(ext))
        .header('last-modified', info.modifiedAt.toUTCString())
        .header('access-control-allow-origin', '*');
      if (ext === 'mpd' || ext === 'm3u8') {
        const stopTimer = manifestLatency.startTimer({ kind: ext });
        const text = sessionManifest(ext, await readObjectText(objects, key), await manifestView(check.token.playbackId));
        stopTimer();
        served.inc({ kind: ext }, Buffer.byteLength(text));
        return reply.send(text);
      }
      const rangeHeader = request.headers.range;
      if (rangeHeader) {
        const ranges = parseRange(info.size, rangeHeader, { combine: true });
        if (ranges === -1) return reply.status(416).header('content-range', `bytes */${info.size}`).send();
        if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
          const { start, end } = ranges[0]!;
          served.inc({ kind: ext }, end - start + 1);
          return reply
            .status(206)
            .header('content-range', `bytes ${start}-${end}/${info.size}`)
            .header('content-length', String(end - start + 1))
            .send(await objects.read(key, { start, end }));
        }
      }
      served.inc({ kind: ext }, info.size);
      return reply.header('content-length', String(info.size)).send(await objects.read(key));
    });
  };
}

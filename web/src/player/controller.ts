import { api } from '../api';
import { deviceId } from '../device';
import { session } from '../session';
import type { PlaybackStart } from '../types';
import { detectCapabilities } from './capabilities';
import { isShakaError, shakaHttpStatus, toPlayerError, UNSUPPORTED, type PlayerError } from './errors';
import { reportFailovers } from './failover';
import { QoeTracker } from './qoe';
import { Reporter } from './reporter';
import { loadShaka, type ShakaError, type ShakaPlayer } from './shaka';

export type PlayerState = 'loading' | 'ready' | 'playing' | 'paused' | 'error';

declare global {
  interface Window {
    /** The live shaka.Player, for automated tests. */
    __marqueePlayer?: ShakaPlayer;
  }
}

export interface ControllerEvents {
  state(s: PlayerState): void;
  error(e: PlayerError): void;
  buffering(b: boolean): void;
  ended(): void;
  player(p: ShakaPlayer | null): void;
  /** The session's trick-play track URL (null: none), once playback has started. */
  thumbnails(vttUrl: string | null): void;
}

const RENEW_MIN_INTERVAL_MS = 30_000;
const RESTART_NEAR_END_SEC = 10;

/**
 * One playback of one video: playback/start, Shaka load (paused, at the resume point), play on demand,
 * progress + heartbeat reporting, and clean stop on leave. Owns no UI.
 */
export class PlaybackController {
  private player: ShakaPlayer | null = null;
  private reporter: Reporter | null = null;
  private state: PlayerState = 'loading';
  private wantPlay = false;
  private destroyed = false;
  private lastRenew = 0;
  private playbackId = '';
  private qoe: QoeTracker | null = null;
  /** The current session's licence details (renewed sessions get a new token). */
  private drm: PlaybackStart['drm'] | undefined;
  private readonly unbind: (() => void)[] = [];

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly videoId: string,
    private readonly on: ControllerEvents,
  ) {}

  async start(): Promise<void> {
    try {
      this.qoe = new QoeTracker(this.videoId);
      // Fetch the player code and open the playback session in parallel.
      const shakaP = loadShaka();
      const pbP = this.requestPlayback();
      const [shaka, pb] = await Promise.all([shakaP, pbP]);
      if (this.destroyed) return;
      if (!shaka.Player.isBrowserSupported()) return this.fail(UNSUPPORTED);
      this.playbackId = pb.playbackId;
      this.on.thumbnails(pb.thumbnailsVtt ?? null);

      this.reporter = new Reporter(this.videoId, pb.playbackId, {
        position: () => this.video.currentTime,
        duration: () => (Number.isFinite(this.video.duration) ? this.video.duration : (pb.durationSec ?? NaN)),
        isPlaying: () => !this.video.paused && !this.video.ended,
        onSessionEnded: () => {
          this.video.pause();
          this.fail({
            kind: 'session_ended',
            title: 'Playback stopped',
            message: 'This stream was ended by the service (perhaps from another device). Press Retry to keep watching.',
            code: 'playback_ended',
            retryable: true,
          });
        },
      });
      this.reporter.start();
      this.bindPage();

      const player = new shaka.Player();
      this.player = player;
      await player.attach(this.video);
      if (this.destroyed) return;
      window.__marqueePlayer = player;
      this.on.player(player);
      player.addEventListener('error', (ev) => this.onShakaError((ev as unknown as { detail: ShakaError }).detail));
      player.addEventListener('buffering', (ev) => {
        const buffering = Boolean((ev as unknown as { buffering: boolean }).buffering);
        this.qoe?.buffering(buffering);
        this.on.buffering(buffering);
      });
      player.addEventListener('adaptation', () => this.qoe?.adaptation());
      this.bindVideo();
      this.applyLimits(pb);
      this.applyDrm(shaka, player, pb);
      reportFailovers(shaka, player, () => this.playbackId);

      const url = pb.manifests.dash ?? pb.manifests.hls;
      if (!url) throw new Error('The server returned no manifest for this video.');
      const resume = pb.resumePositionSec && pb.resumePositionSec > 0 ? pb.resumePositionSec : null;
      await player.load(url, resume);
      // "ready" means the first frame at the start position is decoded, so Play starts at once.
      await this.firstFrame();
      if (this.destroyed) return;
      this.qoe.firstFrame();
      // Finished last time: start over rather than at the credits.
      if (resume && Number.isFinite(this.video.duration) && this.video.duration - resume < RESTART_NEAR_END_SEC) {
        this.video.currentTime = 0;
      }
      this.setState('ready');
      if (this.wantPlay) this.play();
    } catch (e) {
      if (this.destroyed) return;
      this.fail(toPlayerError(e));
    }
  }

  /** Called from the Play button (a user gesture). If still loading, plays as soon as ready. */
  play(): void {
    this.wantPlay = true;
    if (this.state === 'loading' || this.state === 'error') return;
    this.video.play().catch((e: unknown) => {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      if (e instanceof DOMException && e.name === 'NotAllowedError') return this.setState('ready');
      this.fail(toPlayerError(e));
    });
  }

  toggle(): void {
    if (this.state === 'playing') this.video.pause();
    else this.play();
  }

  getPlayer(): ShakaPlayer | null {
    return this.player;
  }

  /** Leave: report the position, release the stream, tear Shaka down. */
  async destroy(opts: { keepalive?: boolean } = {}): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unbind.splice(0).forEach((u) => u());
    const r = this.reporter;
    if (r) {
      r.dispose();
      if (this.video.currentTime > 0) void r.progress({ keepalive: true, force: true });
      void r.stop({ keepalive: opts.keepalive ?? true });
    }
    this.qoe?.send(this.player, this.playbackId, { keepalive: opts.keepalive ?? true });
    if (window.__marqueePlayer === this.player) delete window.__marqueePlayer;
    this.on.player(null);
    const p = this.player;
    this.player = null;
    await p?.destroy().catch(() => undefined);
  }

  /** The server's cap (plan and screen) on rendition height; the manifest itself lists the whole ladder. */
  private applyLimits(pb: PlaybackStart): void {
    const maxHeight = pb.tracks?.maxHeight;
    if (this.player && typeof maxHeight === 'number' && maxHeight > 0) {
      this.player.configure({ restrictions: { maxHeight } });
    }
  }

  /**
   * Protected titles: ClearKey licences come from our licence endpoint, which wants the session's
   * licence token (a header, never the URL) and the viewer's bearer token.
   */
  private applyDrm(shaka: Awaited<ReturnType<typeof import('./shaka').loadShaka>>, player: ShakaPlayer, pb: PlaybackStart): void {
    this.drm = pb.drm;
    if (!pb.drm) return;
    player.configure({ drm: { servers: { [pb.drm.keySystem]: pb.drm.licenseUrl } } });
    player.getNetworkingEngine()?.registerRequestFilter((type, request) => {
      if (type !== shaka.net.NetworkingEngine.RequestType.LICENSE || !this.drm) return;
      request.headers[this.drm.header] = this.drm.token;
      request.headers['Content-Type'] = 'application/json';
      const token = session.get().profileToken;
      if (token) request.headers.Authorization = `Bearer ${token}`;
    });
  }

  private firstFrame(timeoutMs = 10_000): Promise<void> {
    const v = this.video;
    if (v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        v.removeEventListener('loadeddata', done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      v.addEventListener('loadeddata', done);
    });
  }

  private requestPlayback(): Promise<PlaybackStart> {
    return api<PlaybackStart>(`/api/v1/playback/${encodeURIComponent(this.videoId)}/start`, {
      method: 'POST',
      auth: 'profile',
      redirectOnExpiry: false,
      body: { deviceId: deviceId(), capabilities: detectCapabilities() },
    });
  }

  private setState(s: PlayerState): void {
    if (this.state === 'error' || this.destroyed) return;
    this.state = s;
    this.on.state(s);
  }

  private fail(e: PlayerError): void {
    if (this.destroyed || this.state === 'error') return;
    this.state = 'error';
    this.wantPlay = false;
    this.qoe?.failed(e.code ?? e.kind);
    this.on.state('error');
    this.on.error(e);
  }

  private onShakaError(err: ShakaError): void {
    // Signed URLs expire: a 403 on a segment or manifest gets a fresh session, once in a while.
    if (shakaHttpStatus(err) === 403 && Date.now() - this.lastRenew > RENEW_MIN_INTERVAL_MS) {
      void this.renew();
      return;
    }
    if (isShakaError(err) && err.severity === 2 /* CRITICAL */) this.fail(toPlayerError(err));
  }

  private async renew(): Promise<void> {
    this.lastRenew = Date.now();
    const at = this.video.currentTime;
    const wasPlaying = !this.video.paused;
    try {
      await this.reporter?.stop();
      const pb = await this.requestPlayback();
      const url = pb.manifests.dash ?? pb.manifests.hls;
      if (this.destroyed || !this.player || !url) return;
      this.reporter?.setPlaybackId(pb.playbackId);
      this.playbackId = pb.playbackId;
      this.applyLimits(pb);
      this.drm = pb.drm;
      await this.player.load(url, at);
      if (wasPlaying) this.play();
    } catch (e) {
      this.fail(toPlayerError(e));
    }
  }

  private listen<K extends keyof HTMLMediaElementEventMap>(type: K, fn: () => void): void {
    this.video.addEventListener(type, fn);
    this.unbind.push(() => this.video.removeEventListener(type, fn));
  }

  private bindVideo(): void {
    this.listen('playing', () => this.setState('playing'));
    this.listen('pause', () => {
      if (this.video.ended || this.state === 'loading') return;
      this.setState('paused');
      void this.reporter?.progress({ force: true });
    });
    this.listen('ended', () => {
      this.setState('paused');
      void this.reporter?.progress({ force: true });
      this.on.ended();
    });
  }

  private bindPage(): void {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void this.reporter?.progress({ keepalive: true, force: true });
    };
    // pagehide: the tab is closing or navigating away, so this is the last chance to report.
    const onPageHide = () => void this.destroy({ keepalive: true });
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    this.unbind.push(() => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
    });
  }
}

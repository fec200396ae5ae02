import { api, ApiError } from '../api';

const PROGRESS_EVERY_MS = 5_000;
// The server frees a silent stream's screen after 45 s: beat well inside that.
const HEARTBEAT_EVERY_MS = 15_000;

export interface ReporterSource {
  position(): number;
  duration(): number;
  isPlaying(): boolean;
  /** The server no longer knows this playback (heartbeat 404). */
  onSessionEnded(): void;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Progress (POST /progress) and playback session upkeep (heartbeat, stop). */
export class Reporter {
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private lastSent: number | null = null;
  private integers = false;
  private stopped = false;

  constructor(
    private readonly videoId: string,
    private playbackId: string,
    private readonly src: ReporterSource,
  ) {}

  start(): void {
    this.progressTimer = setInterval(() => {
      if (this.src.isPlaying()) void this.progress();
    }, PROGRESS_EVERY_MS);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_EVERY_MS);
  }

  /** Switch to a renewed playback session (signed URLs re-issued). */
  setPlaybackId(id: string): void {
    this.playbackId = id;
    this.stopped = false;
  }

  async progress(opts: { keepalive?: boolean; force?: boolean } = {}): Promise<void> {
    const pos = this.src.position();
    if (!Number.isFinite(pos) || pos < 0) return;
    if (!opts.force && this.lastSent !== null && Math.abs(pos - this.lastSent) < 0.25) return;
    this.lastSent = pos;
    const dur = this.src.duration();
    const num = (n: number) => (this.integers ? Math.round(n) : round(n));
    const body: Record<string, unknown> = { videoId: this.videoId, positionSec: num(pos) };
    if (Number.isFinite(dur) && dur > 0) body.durationSec = num(dur);
    try {
      await api('/api/v1/progress', { method: 'POST', auth: 'profile', body, keepalive: opts.keepalive, redirectOnExpiry: false });
    } catch (e) {
      // A server whose schema wants whole seconds: fall back once and remember.
      if (e instanceof ApiError && e.status === 400 && !this.integers && /position|duration/i.test(`${e.field} ${e.message}`)) {
        this.integers = true;
        this.lastSent = null;
        return this.progress(opts);
      }
    }
  }

  async heartbeat(): Promise<void> {
    if (this.stopped) return;
    const positionSec = round(Math.max(0, this.src.position() || 0));
    try {
      await api(`/api/v1/playback/${encodeURIComponent(this.playbackId)}/heartbeat`, {
        method: 'POST',
        auth: 'profile',
        body: { positionSec },
        redirectOnExpiry: false,
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.src.onSessionEnded();
    }
  }

  /** Release the stream slot. Safe to call more than once. */
  async stop(opts: { keepalive?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const positionSec = round(Math.max(0, this.src.position() || 0));
    await api(`/api/v1/playback/${encodeURIComponent(this.playbackId)}/stop`, {
      method: 'POST',
      auth: 'profile',
      body: { positionSec },
      keepalive: opts.keepalive,
      redirectOnExpiry: false,
      refresh: !opts.keepalive,
    }).catch(() => undefined);
  }

  dispose(): void {
    clearInterval(this.progressTimer);
    clearInterval(this.heartbeatTimer);
  }
}

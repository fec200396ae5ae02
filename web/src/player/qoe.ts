import { api } from '../api';
import type { ShakaPlayer } from './shaka';

/** What the operations page charts: one report per playback, sent when the viewer leaves. */
export interface QoeReport {
  videoId: string;
  playbackId: string;
  timeToFirstFrameMs: number | null;
  rebufferCount: number;
  rebufferMs: number;
  playedMs: number;
  bitrateSwitches: number;
  averageBitrateKbps: number;
  fatalError?: string;
}

/** Average of the chosen variant's bitrate, weighted by how long each was in use. */
export function averageBitrateKbps(history: readonly { timestamp: number; bandwidth: number | null; type: string }[], nowSec: number): number {
  const variants = history.flatMap((h) => (h.type === 'variant' && h.bandwidth !== null ? [{ timestamp: h.timestamp, bandwidth: h.bandwidth }] : [])).sort((a, b) => a.timestamp - b.timestamp);
  let weighted = 0;
  let total = 0;
  variants.forEach((v, i) => {
    const span = Math.max(0, (variants[i + 1]?.timestamp ?? nowSec) - v.timestamp);
    weighted += v.bandwidth * span;
    total += span;
  });
  if (total > 0) return Math.round(weighted / total / 1000);
  return variants.length ? Math.round(variants.at(-1)!.bandwidth / 1000) : 0;
}

/**
 * Player quality of experience: time to first frame, stalls after it, ABR switches, the bitrate
 * watched and a fatal error if playback died. Stalls before the first frame are start-up, not
 * rebuffering.
 */
export class QoeTracker {
  private readonly startedAt = performance.now();
  private firstFrameMs: number | null = null;
  private stalls = 0;
  private stalledMs = 0;
  private stallStart: number | null = null;
  private switches = 0;
  private fatal: string | undefined;
  private sent = false;

  constructor(private readonly videoId: string) {}

  firstFrame(): void {
    if (this.firstFrameMs === null) this.firstFrameMs = Math.round(performance.now() - this.startedAt);
  }

  buffering(on: boolean): void {
    if (this.firstFrameMs === null) return;
    if (on && this.stallStart === null) {
      this.stalls++;
      this.stallStart = performance.now();
    } else if (!on && this.stallStart !== null) {
      this.stalledMs += performance.now() - this.stallStart;
      this.stallStart = null;
    }
  }

  adaptation(): void {
    this.switches++;
  }

  failed(code: string): void {
    this.fatal ??= code.toLowerCase().replace(/[^a-z0-9_.-]/g, '_').slice(0, 64) || 'unknown';
  }

  /** Sends the report once; later calls do nothing. */
  send(player: ShakaPlayer | null, playbackId: string, opts: { keepalive?: boolean } = {}): void {
    if (this.sent || !playbackId) return;
    this.sent = true;
    this.buffering(false);
    const stats = player?.getStats();
    const report: QoeReport = {
      videoId: this.videoId,
      playbackId,
      timeToFirstFrameMs: this.firstFrameMs,
      rebufferCount: this.stalls,
      rebufferMs: Math.round(this.stalledMs),
      playedMs: Math.round(Math.max(0, stats?.playTime ?? 0) * 1000),
      bitrateSwitches: this.switches,
      averageBitrateKbps: stats ? averageBitrateKbps(stats.switchHistory, Date.now() / 1000) : 0,
      ...(this.fatal ? { fatalError: this.fatal } : {}),
    };
    void api('/api/v1/qoe', { method: 'POST', auth: 'profile', body: report, keepalive: opts.keepalive ?? true, redirectOnExpiry: false }).catch(() => undefined);
  }
}

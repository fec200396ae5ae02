import { useEffect, useState } from 'react';
import type { ShakaPlayer, ShakaTrack } from './shaka';

interface Snapshot {
  resolution: string;
  activeHeight: number | null;
  streamKbps: number;
  estimateKbps: number;
  bufferSec: number;
  dropped: number;
  codecs: string;
  abr: boolean;
  heights: { height: number; bandwidth: number; track: ShakaTrack }[];
}

function bufferAhead(video: HTMLVideoElement): number {
  const t = video.currentTime;
  for (let i = 0; i < video.buffered.length; i++) {
    if (video.buffered.start(i) <= t + 0.1 && t <= video.buffered.end(i)) return video.buffered.end(i) - t;
  }
  return 0;
}

function snapshot(player: ShakaPlayer, video: HTMLVideoElement): Snapshot {
  const stats = player.getStats();
  const tracks = player.getVariantTracks();
  const active = tracks.find((t) => t.active) ?? null;
  // One entry per height: the highest-bitrate variant of it.
  const byHeight = new Map<number, ShakaTrack>();
  for (const t of tracks) {
    if (!t.height) continue;
    const prev = byHeight.get(t.height);
    if (!prev || t.bandwidth > prev.bandwidth) byHeight.set(t.height, t);
  }
  return {
    resolution: video.videoWidth ? `${video.videoWidth}×${video.videoHeight}` : '–',
    activeHeight: active?.height ?? null,
    streamKbps: Math.round((stats.streamBandwidth || active?.bandwidth || 0) / 1000),
    estimateKbps: Math.round((stats.estimatedBandwidth || 0) / 1000),
    bufferSec: bufferAhead(video),
    dropped: stats.droppedFrames || 0,
    codecs: stats.currentCodecs || active?.codecs || '–',
    abr: Boolean(player.getConfiguration().abr?.enabled),
    heights: [...byHeight.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([height, track]) => ({ height, bandwidth: track.bandwidth, track })),
  };
}

/** Nerd stats: resolution, bitrate, buffer, and the ladder (click a height to pin it, Auto for ABR). */
export function StatsOverlay({ player, video }: { player: ShakaPlayer | null; video: HTMLVideoElement | null }) {
  const [s, setS] = useState<Snapshot | null>(null);

  useEffect(() => {
    if (!player || !video) return;
    const tick = () => setS(snapshot(player, video));
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [player, video]);

  const pin = (track: ShakaTrack | null) => {
    if (!player) return;
    if (!track) player.configure({ abr: { enabled: true } });
    else {
      player.configure({ abr: { enabled: false } });
      player.selectVariantTrack(track, true);
    }
    if (video) setS(snapshot(player, video));
  };

  return (
    <div className="stats" data-testid="stats-overlay">
      {!s ? (
        <span>Waiting for the stream…</span>
      ) : (
        <>
          <dl>
            <dt>Resolution</dt>
            <dd data-testid="stats-resolution">{s.resolution}</dd>
            <dt>Bitrate</dt>
            <dd data-testid="stats-bitrate">{s.streamKbps} kbps</dd>
            <dt>Bandwidth est.</dt>
            <dd>{s.estimateKbps} kbps</dd>
            <dt>Buffer</dt>
            <dd data-testid="stats-buffer">{s.bufferSec.toFixed(1)} s</dd>
            <dt>Dropped frames</dt>
            <dd>{s.dropped}</dd>
            <dt>Codecs</dt>
            <dd>{s.codecs}</dd>
          </dl>
          <div className="variants" data-testid="stats-variants">
            <button className={s.abr ? 'active' : ''} onClick={() => pin(null)}>
              Auto
            </button>
            {s.heights.map((h) => (
              <button
                key={h.height}
                data-height={h.height}
                className={`${!s.abr && h.height === s.activeHeight ? 'active' : ''} ${h.height === s.activeHeight ? 'playing' : ''}`}
                title={`${Math.round(h.bandwidth / 1000)} kbps`}
                onClick={() => pin(h.track)}
              >
                {h.height}p
              </button>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

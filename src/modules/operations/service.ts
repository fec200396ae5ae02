import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/index.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { type LoadMonitor, TIER_NAMES } from '../../platform/load/index.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { Fault, FaultInjector, Guards } from '../../platform/resilience/index.ts';
import { type QoeReport, type QoeSummary, summariseQoe } from './qoeSummary.ts';

type QoeTable = {
  qoe_reports: {
    profile_id: string;
    id: string;
    account_id: string;
    video_id: string;
    playback_id: string | null;
    device: string;
    ttff_ms: number | null;
    rebuffer_count: number;
    rebuffer_ms: number;
    played_ms: number;
    bitrate_switches: number;
    avg_bitrate_kbps: number;
    fatal_error: string | null;
    reported_at: string;
  };
};

export interface QoeInput {
  videoId: string;
  playbackId?: string;
  contentType?: 'movie' | 'episode';
  timeToFirstFrameMs: number | null;
  rebufferCount: number;
  rebufferMs: number;
  playedMs: number;
  bitrateSwitches: number;
  averageBitrateKbps: number;
  fatalError?: string;
}

export interface ResilienceView {
  tier: number;
  tierName: string;
  load: ReturnType<LoadMonitor['reading']>;
  breakers: ReturnType<Guards['breakers']>;
  chaos: { enabled: boolean; faults: ReturnType<FaultInjector['list']> };
}

export type OperationsService = ReturnType<typeof operationsService>;

export function operationsService(o: { db: Kysely<object>; metrics: Metrics; guards: Guards; faults: FaultInjector; monitor: LoadMonitor; dependencies: () => string[] }) {
  const db = o.db.withTables<QoeTable>();
  const ttff = o.metrics.histogram('marquee_qoe_time_to_first_frame_seconds', 'Time to first frame reported by players', ['device'], [0.1, 0.25, 0.5, 1, 2, 4, 8]);
  const rebuffers = o.metrics.counter('marquee_qoe_rebuffers_total', 'Stalls reported by players', ['device']);
  const playbackErrors = o.metrics.counter('streaming_playback_errors_total', 'Total playback errors', ['error_type', 'content_type']);

  return {
    async recordQoe(who: { accountId: string; profileId: string }, device: string, input: QoeInput): Promise<void> {
      await db
        .insertInto('qoe_reports')
        .values({
          profile_id: who.profileId,
          id: newId(),
          account_id: who.accountId,
          video_id: input.videoId,
          playback_id: input.playbackId ?? null,
          device,
          ttff_ms: input.timeToFirstFrameMs,
          rebuffer_count: input.rebufferCount,
          rebuffer_ms: input.rebufferMs,
          played_ms: input.playedMs,
          bitrate_switches: input.bitrateSwitches,
          avg_bitrate_kbps: input.averageBitrateKbps,
          fatal_error: input.fatalError ?? null,
          reported_at: nowIso(),
        })
        .execute();
      if (input.timeToFirstFrameMs !== null) ttff.observe({ device }, input.timeToFirstFrameMs / 1000);
      if (input.rebufferCount > 0) rebuffers.inc({ device }, input.rebufferCount);
      if (input.fatalError) playbackErrors.inc({ error_type: input.fatalError, content_type: input.contentType ?? 'unknown' });
    },

    async qoeSummary(hours: number, bucketMinutes: number): Promise<QoeSummary> {
      const to = Date.now();
      const from = to - hours * 3_600_000;
      const rows = await db.selectFrom('qoe_reports').selectAll().where('reported_at', '>=', nowIso(from)).execute();
      const reports: QoeReport[] = rows.map((r) => ({
        reportedAt: Date.parse(r.reported_at),
        ttffMs: r.ttff_ms,
        rebufferCount: r.rebuffer_count,
        rebufferMs: r.rebuffer_ms,
        playedMs: r.played_ms,
        bitrateSwitches: r.bitrate_switches,
        avgBitrateKbps: r.avg_bitrate_kbps,
        fatalError: r.fatal_error,
      }));
      return summariseQoe(reports, from, to + 1, bucketMinutes * 60_000);
    },

    resilience(): ResilienceView {
      const tier = o.monitor.tier();
      return { tier, tierName: TIER_NAMES[tier], load: o.monitor.reading(), breakers: o.guards.breakers(), chaos: { enabled: o.faults.enabled, faults: o.faults.list() } };
    },

    injectFault(dependency: string, fault: Fault): void {
      if (!o.faults.enabled) throw forbidden('chaos_disabled', 'Fault injection is off in this deployment (set CHAOS_ENABLED=true to allow it)');
      if (!o.dependencies().includes(dependency)) throw notFound('unknown_dependency', `No dependency named ${dependency}; known: ${o.dependencies().join(', ')}`);
      o.faults.set(dependency, fault);
    },

    clearFaults(dependency?: string): void {
      o.faults.clear(dependency);
    },
  };
}

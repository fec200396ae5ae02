import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { forbidden, invalid } from '../../platform/errors.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { type EdgeView, pickEdges } from './pickEdges.ts';

/** What an edge tells steering on start and every heartbeat. */
export interface EdgeReport {
  id: string;
  baseUrl: string;
  region: string;
  capacityBytes: number;
  usedBytes: number;
  /** Sessions the edge served in the last minute. */
  load: number;
  /** Assets (video packages) it holds objects of, so the fill job knows what is where. */
  holds: string[];
}

export interface SignedEdgeReport extends EdgeReport {
  ts: number;
  sig: string;
}

/** Edges report sessions seen in the last minute; steering counts its own picks over the same window. */
const ASSIGNMENT_WINDOW_MS = 60_000;

const reportPayload = (r: EdgeReport, ts: number): string => [r.id, r.baseUrl, r.region, r.capacityBytes, r.usedBytes, r.load, ts, r.holds.join(',')].join('|');

/** Edges prove they are ours with the shared URL-signing secret; a rogue host cannot join steering. */
export function signEdgeReport(secret: string, r: EdgeReport, nowMs: number): SignedEdgeReport {
  const ts = Math.floor(nowMs / 1000);
  return { ...r, ts, sig: createHmac('sha256', secret).update(`edge:${reportPayload(r, ts)}`).digest('base64url') };
}

export function verifyEdgeReport(secret: string, r: SignedEdgeReport, nowMs: number, maxSkewSec = 300): boolean {
  if (Math.abs(Math.floor(nowMs / 1000) - r.ts) > maxSkewSec) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`edge:${reportPayload(r, r.ts)}`).digest('base64url'));
  const given = Buffer.from(r.sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface EdgeState extends EdgeView {
  usedBytes: number;
  holds: string[];
  reportedLoad: number;
  /** When sessions were steered to it lately (so a burst does not all land on one edge before it reports them). */
  assignedAt: number[];
  lastHeartbeatAt: number;
  lastCheckAt: number | undefined;
  consecutiveFailures: number;
}

export interface SteeringOptions {
  secret: string;
  metrics: Metrics;
  log: Logger;
  /** Active health check period; an edge is unhealthy after `failuresToUnhealthy` failed checks. */
  checkIntervalMs: number;
  checkTimeoutMs?: number;
  failuresToUnhealthy?: number;
  /** No heartbeat for this long: unhealthy; for ten times this long: forgotten. */
  staleAfterMs?: number;
  clock?: () => number;
}

export function steeringService(o: SteeringOptions) {
  const clock = o.clock ?? Date.now;
  const timeoutMs = o.checkTimeoutMs ?? Math.min(1000, o.checkIntervalMs);
  const failuresToUnhealthy = o.failuresToUnhealthy ?? 2;
  const staleAfterMs = o.staleAfterMs ?? 30_000;
  const edges = new Map<string, EdgeState>();
  const transitions = o.metrics.counter('marquee_steering_edge_transitions_total', 'Edges marked healthy or unhealthy by steering', ['edge', 'to']);
  const failovers = o.metrics.counter('marquee_player_failovers_total', 'Players that moved to another delivery alternative mid-stream, by edge id (origin: the api host)', ['from_edge', 'to_edge']);
  const picks = o.metrics.counter('marquee_steering_picks_total', 'Sessions steered, by whether an edge in the client region was primary', ['locality']);
  o.metrics.gauge('marquee_steering_edges', 'Registered edges by health', ['state'], (g) => {
    const all = [...edges.values()];
    g.set({ state: 'healthy' }, all.filter((e) => e.healthy).length);
    g.set({ state: 'unhealthy' }, all.filter((e) => !e.healthy).length);
  });
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;

  const setHealth = (e: EdgeState, healthy: boolean, why: string): void => {
    if (e.healthy === healthy) return;
    e.healthy = healthy;
    transitions.inc({ edge: e.id, to: healthy ? 'healthy' : 'unhealthy' });
    if (healthy) o.log.info({ edge: e.id, baseUrl: e.baseUrl }, `edge ${e.id} is healthy again (${why})`);
    else o.log.warn({ edge: e.id, baseUrl: e.baseUrl }, `edge ${e.id} marked unhealthy (${why}); new sessions avoid it`);
  };

  async function checkOne(e: EdgeState): Promise<void> {
    let ok: boolean;
    try {
      const res = await fetch(`${e.baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      ok = res.ok;
      await res.body?.cancel();
    } catch {
      ok = false;
    }
    e.lastCheckAt = clock();
    if (ok) {
      e.consecutiveFailures = 0;
      if (clock() - e.lastHeartbeatAt <= staleAfterMs) setHealth(e, true, 'health check passed');
    } else {
      e.consecutiveFailures += 1;
      if (e.consecutiveFailures >= failuresToUnhealthy) setHealth(e, false, `${e.consecutiveFailures} failed health checks`);
    }
  }

  return {
    /** Register or heartbeat. A re-registering edge keeps its health history until a check passes. */
    report(r: SignedEdgeReport): EdgeState {
      if (!verifyEdgeReport(o.secret, r, clock())) throw forbidden('edge_signature_invalid', 'This edge report is not signed with the delivery secret, or is too old');
      let base: URL;
      try {
        base = new URL(r.baseUrl);
      } catch {
        throw invalid('invalid_base_url', 'baseUrl must be an absolute http(s) URL', 'baseUrl');
      }
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw invalid('invalid_base_url', 'baseUrl must be an absolute http(s) URL', 'baseUrl');
      const now = clock();
      const known = edges.get(r.id);
      const state: EdgeState = {
        id: r.id,
        baseUrl: r.baseUrl.replace(/\/$/, ''),
        region: r.region,
        capacityBytes: r.capacityBytes,
        usedBytes: r.usedBytes,
        holds: r.holds,
        reportedLoad: r.load,
        assignedAt: known?.assignedAt ?? [],
        load: Math.max(r.load, known?.assignedAt.length ?? 0),
        lastHeartbeatAt: now,
        lastCheckAt: known?.lastCheckAt,
        consecutiveFailures: known?.consecutiveFailures ?? 0,
        // New edges are trusted at once (they just spoke to us); a failing one must pass a check first.
        healthy: known ? known.healthy || known.consecutiveFailures < failuresToUnhealthy : true,
      };
      if (!known) o.log.info({ edge: r.id, baseUrl: state.baseUrl, region: r.region }, `edge ${r.id} registered`);
      edges.set(r.id, state);
      return state;
    },

    /** A player's report that it moved from one alternative to another; labels stay bounded (known edges, origin, unknown). */
    recordFailover(f: { playbackId: string; profileId: string; from: string; to: string; origin: string }): { fromEdge: string; toEdge: string } {
      const label = (url: string): string => {
        let at: string;
        try {
          at = new URL(url).origin;
        } catch {
          return 'unknown';
        }
        if (at === new URL(f.origin).origin) return 'origin';
        return [...edges.values()].find((e) => new URL(e.baseUrl).origin === at)?.id ?? 'unknown';
      };
      const labels = { fromEdge: label(f.from), toEdge: label(f.to) };
      failovers.inc({ from_edge: labels.fromEdge, to_edge: labels.toEdge });
      o.log.warn({ playbackId: f.playbackId, profileId: f.profileId, from: f.from, to: f.to, ...labels }, `player failed over from ${labels.fromEdge} to ${labels.toEdge}`);
      return labels;
    },

    list(): EdgeState[] {
      return [...edges.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    },

    /** Base URLs for a new session: primary first, then backups. Empty when no healthy edge is known. */
    choose(clientRegion: string): string[] {
      const now = clock();
      for (const e of edges.values()) {
        e.assignedAt = e.assignedAt.filter((t) => now - t < ASSIGNMENT_WINDOW_MS);
        e.load = Math.max(e.reportedLoad, e.assignedAt.length);
      }
      const { primary, backups } = pickEdges([...edges.values()], clientRegion);
      if (!primary) return [];
      primary.assignedAt.push(now);
      primary.load = Math.max(primary.reportedLoad, primary.assignedAt.length);
      picks.inc({ locality: primary.region.toLowerCase() === clientRegion.toLowerCase() ? 'in_region' : 'out_of_region' });
      return [primary, ...backups].map((e) => e.baseUrl);
    },

    /** One round of active checks (also drops edges silent for long, marks stale ones unhealthy). */
    async checkAll(): Promise<void> {
      const now = clock();
      for (const e of [...edges.values()]) {
        if (now - e.lastHeartbeatAt > staleAfterMs * 10) {
          edges.delete(e.id);
          o.log.info({ edge: e.id }, `edge ${e.id} forgotten after a long silence`);
        } else if (now - e.lastHeartbeatAt > staleAfterMs) setHealth(e, false, 'no heartbeat');
      }
      await Promise.all([...edges.values()].map(checkOne));
    },

    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        checking ??= this.checkAll().finally(() => (checking = undefined));
      }, o.checkIntervalMs);
      timer.unref();
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await checking;
    },
  };
}

export type SteeringService = ReturnType<typeof steeringService>;

import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { ErrorView, Loading } from '../components/Status';
import '../styles/ops.css';
import { TimeChart } from './OpsCharts';
import type { QoeSummary, Resilience } from './opsData';

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const kbps = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} Mb/s` : `${Math.round(v)} kb/s`);

/** /ops: player quality of experience, breakers, the degradation tier and chaos faults. Admins only. */
export default function Operations() {
  const [qoe, setQoe] = useState<QoeSummary | null>(null);
  const [res, setRes] = useState<Resilience | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hours, setHours] = useState(24);

  useEffect(() => {
    let live = true;
    const load = () =>
      Promise.all([api<QoeSummary>(`/api/v1/admin/qoe?hours=${hours}&bucketMinutes=${hours <= 6 ? 15 : 60}`, { auth: 'account' }), api<Resilience>('/api/v1/admin/resilience', { auth: 'account' })])
        .then(([q, r]) => {
          if (!live) return;
          setQoe(q);
          setRes(r);
          setError(null);
        })
        .catch((e) => live && setError(errorMessage(e)));
    void load();
    // The on-call view refreshes itself: breakers and tiers change by the second.
    const timer = setInterval(load, 10_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [hours]);

  if (error && !qoe) return <ErrorView message={error} />;
  if (!qoe || !res) return <Loading />;
  const t = qoe.total;
  return (
    <main className="page ops" data-testid="ops-page">
      <h1 className="page-title">Operations</h1>
      <section className="ops-status">
        <div className={`tile tier-${res.tier}`} data-testid="ops-tier">
          <span className="label">Service tier</span>
          <strong>{res.tier}</strong> {res.tierName.replace(/_/g, ' ')}
          <span className="muted">
            loop delay {ms(res.load.eventLoopDelayMs)} · {res.load.inFlight} in flight · p95 {ms(res.load.latencyMs)}
          </span>
        </div>
        <div className="tile">
          <span className="label">Plays</span>
          <strong data-testid="ops-sessions">{t.sessions}</strong>
        </div>
        <div className="tile">
          <span className="label">First frame p50 / p95</span>
          <strong>{t.ttffP50Ms === null ? '–' : ms(t.ttffP50Ms)}</strong> / {t.ttffP95Ms === null ? '–' : ms(t.ttffP95Ms)}
        </div>
        <div className="tile">
          <span className="label">Rebuffering</span>
          <strong>{pct(t.rebufferRatio)}</strong> {t.rebuffersPerHour.toFixed(1)}/h
        </div>
        <div className="tile">
          <span className="label">Average bitrate</span>
          <strong>{kbps(t.avgBitrateKbps)}</strong>
        </div>
        <div className="tile">
          <span className="label">Fatal errors</span>
          <strong>{t.fatalErrors}</strong>
        </div>
      </section>

      <div className="ops-range">
        {[6, 24, 24 * 7].map((h) => (
          <button key={h} type="button" className={h === hours ? 'chip active' : 'chip'} onClick={() => setHours(h)}>
            {h < 48 ? `${h} h` : `${h / 24} days`}
          </button>
        ))}
      </div>
      <section className="ops-charts">
        <TimeChart title="Time to first frame" buckets={qoe.buckets} format={ms} series={[{ label: 'p50', className: 's1', value: (b) => b.ttffP50Ms }, { label: 'p95', className: 's2', value: (b) => b.ttffP95Ms }]} />
        <TimeChart title="Rebuffer ratio" buckets={qoe.buckets} format={pct} series={[{ label: 'stalled share of watching', className: 's3', value: (b) => b.rebufferRatio }]} />
        <TimeChart title="Average bitrate" buckets={qoe.buckets} format={kbps} series={[{ label: 'time-weighted', className: 's1', value: (b) => b.avgBitrateKbps }]} />
        <TimeChart title="Plays and fatal errors" buckets={qoe.buckets} format={(v) => String(Math.round(v))} series={[{ label: 'plays', className: 's1', value: (b) => b.sessions }, { label: 'fatal errors', className: 's3', value: (b) => b.fatalErrors }, { label: 'bitrate switches', className: 's2', value: (b) => b.bitrateSwitches }]} />
      </section>

      {qoe.errorsByType.length > 0 && (
        <section>
          <h2>Errors by type</h2>
          <ul className="ops-errors">
            {qoe.errorsByType.map((e) => (
              <li key={e.type}>
                <code>{e.type}</code> {e.count}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section>
        <h2>Circuit breakers</h2>
        <table className="ops-table" data-testid="ops-breakers">
          <thead>
            <tr>
              <th>Dependency</th>
              <th>State</th>
              <th>Calls</th>
              <th>Failures</th>
              <th>Timeouts</th>
              <th>Short-circuited</th>
              <th>Fallbacks</th>
              <th>Mean latency</th>
            </tr>
          </thead>
          <tbody>
            {res.breakers.map((b) => (
              <tr key={b.name}>
                <td>{b.name}</td>
                <td>
                  <span className={`state ${b.state}`}>{b.state.replace('_', '-')}</span>
                </td>
                <td>{b.stats.fires}</td>
                <td>{b.stats.failures}</td>
                <td>{b.stats.timeouts}</td>
                <td>{b.stats.rejects + b.stats.semaphoreRejections}</td>
                <td>{b.stats.fallbacks}</td>
                <td>{ms(b.stats.latencyMean)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Chaos: {res.chaos.enabled ? (res.chaos.faults.length ? res.chaos.faults.map((f) => `${f.dependency} ${f.fault.mode}`).join(', ') : 'enabled, no faults injected') : 'disabled in this deployment'}
        </p>
      </section>
    </main>
  );
}

import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { ErrorView, Loading } from '../components/Status';
import { Link } from '../router';
import '../styles/experiments.css';
import { LiftChart, MeansChart } from './ExperimentCharts';
import { type Experiment, type MetricResult, type Results, num, pct, pValue } from './experimentsData';

function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load()
      .then((d) => live && setData(d))
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

/** /experiments: every experiment, its state and a link to its results. Admins only (the API says so). */
export function ExperimentList() {
  const { data, error } = useLoad(() => api<{ items: Experiment[] }>('/api/v1/experiments', { auth: 'profile' }), []);
  if (error) return <ErrorView message={error} />;
  if (!data) return <Loading />;
  return (
    <main className="page experiments">
      <h1 className="page-title">Experiments</h1>
      <table className="exp-table" data-testid="experiment-list">
        <thead>
          <tr>
            <th>Experiment</th>
            <th>Status</th>
            <th>Allocation</th>
            <th>Variants</th>
            <th>Layer</th>
            <th>Unit</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((e) => (
            <tr key={e.id}>
              <td>
                <Link href={`/experiments/${encodeURIComponent(e.id)}`}>{e.name}</Link>
                <div className="muted">{e.key}</div>
              </td>
              <td>
                <span className={`status ${e.status}`}>{e.status}</span>
              </td>
              <td>{e.allocation}%</td>
              <td>{e.variants.map((v) => `${v.key} ${v.weight}%`).join(' · ')}</td>
              <td>{e.layer ?? '–'}</td>
              <td>{e.unit}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.items.length === 0 && <p className="empty">No experiments yet.</p>}
    </main>
  );
}

function MetricCard({ m, cuped }: { m: MetricResult; cuped: boolean }) {
  const useCuped = cuped && m.kind === 'mean';
  return (
    <section className="exp-metric" data-testid={`metric-${m.metric}`}>
      <h2>
        {m.label}
        <span className="muted">
          {' '}
          · {m.test === 'welch' ? "Welch's t-test" : 'two-proportion z-test'}
          {useCuped && m.varianceReduction !== null && ` · CUPED removed ${pct(Math.max(0, m.varianceReduction))} of variance`}
        </span>
      </h2>
      <div className="exp-charts">
        <figure>
          <figcaption>Mean per variant (95% interval)</figcaption>
          <MeansChart m={m} />
        </figure>
        <figure>
          <figcaption>Lift against control{useCuped ? ' (CUPED)' : ''}</figcaption>
          <LiftChart m={m} cuped={useCuped} />
        </figure>
      </div>
      <table className="exp-table">
        <thead>
          <tr>
            <th>Variant</th>
            <th>{m.kind === 'rate' ? 'Trials' : 'Units'}</th>
            <th>Mean</th>
            <th>Variance</th>
            <th>Abs. lift (95% CI)</th>
            <th>Rel. lift (95% CI)</th>
            <th>p-value</th>
          </tr>
        </thead>
        <tbody>
          {m.variants.map((v) => {
            const lift = useCuped && v.cuped ? v.cuped.lift : v.lift;
            const mean = useCuped && v.cuped ? v.cuped.mean : v.mean;
            const fmt = (x: number) => (m.kind === 'rate' ? pct(x, 2) : num(x));
            return (
              <tr key={v.variant} className={lift?.pValue != null && lift.pValue < 0.05 ? 'significant' : ''}>
                <td>{v.variant}</td>
                <td>{v.n}</td>
                <td>{fmt(mean)}</td>
                <td>{num(useCuped && v.cuped ? v.cuped.variance : v.variance)}</td>
                <td>{lift ? `${fmt(lift.absolute)} ${lift.absoluteCi ? `[${fmt(lift.absoluteCi[0])}, ${fmt(lift.absoluteCi[1])}]` : ''}` : 'control'}</td>
                <td>{lift ? `${pct(lift.relative)} ${lift.relativeCi ? `[${pct(lift.relativeCi[0])}, ${pct(lift.relativeCi[1])}]` : ''}` : ''}</td>
                <td>{lift ? pValue(lift.pValue) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** /experiments/:id: the analysis, a table and a chart per metric. */
export function ExperimentResults({ id }: { id: string }) {
  const { data, error, reload } = useLoad(() => api<Results>(`/api/v1/experiments/${encodeURIComponent(id)}/results`, { auth: 'profile' }), [id]);
  const [cuped, setCuped] = useState(true);
  if (error) return <ErrorView message={error} />;
  if (!data) return <Loading />;
  const { experiment: e, analysis: a } = data;
  return (
    <main className="page experiments" data-testid="experiment-results">
      <p>
        <Link href="/experiments">← All experiments</Link>
      </p>
      <h1 className="page-title">
        {e.name} <span className={`status ${e.status}`}>{e.status}</span>
      </h1>
      <p className="muted">
        {e.key} · {e.allocation}% of {e.unit}s{e.layer ? ` · layer ${e.layer}` : ''} · {a.units} exposed units
        {data.window.from ? ` · ${new Date(data.window.from).toLocaleDateString()} – ${new Date(data.window.to).toLocaleDateString()}` : ''}
      </p>
      {a.srm.mismatch ? (
        <div className="alert" role="alert" data-testid="srm-warning">
          Sample ratio mismatch: the split of exposed units is unlikely under the configured weights (χ² = {num(a.srm.chiSquare)}, p = {pValue(a.srm.pValue)}). Do not trust these results until the cause is found.
        </div>
      ) : (
        <p className="muted" data-testid="srm-ok">
          Sample ratio check passed (χ² = {num(a.srm.chiSquare)}, p = {pValue(a.srm.pValue)}).
        </p>
      )}
      <table className="exp-table">
        <thead>
          <tr>
            <th>Variant</th>
            <th>Weight</th>
            <th>Units</th>
            <th>Share</th>
          </tr>
        </thead>
        <tbody>
          {a.variants.map((v) => (
            <tr key={v.key}>
              <td>{v.key}</td>
              <td>{v.weight}%</td>
              <td>{v.units}</td>
              <td>{pct(v.share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="exp-controls">
        <label>
          <input type="checkbox" checked={cuped} onChange={(ev) => setCuped(ev.target.checked)} /> CUPED variance reduction (pre-period covariate)
        </label>
        <button className="btn" onClick={reload}>
          Refresh
        </button>
      </div>
      {a.metrics.map((m) => (
        <MetricCard key={m.metric} m={m} cuped={cuped} />
      ))}
    </main>
  );
}

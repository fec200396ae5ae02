import { type MetricResult, meanInterval, num, pct } from './experimentsData';

// Inline-SVG charts for the results page: per-variant means with 95% intervals, and relative
// lift against control with its 95% interval (a forest plot around zero).

const W = 420;
const ROW = 28;
const LABEL = 120;
/** Right-hand column for the value labels. */
const VALUES = 70;

function scale(lo: number, hi: number, from: number, to: number) {
  const span = hi - lo || 1;
  return (x: number) => from + ((x - lo) / span) * (to - from);
}

export function MeansChart({ m }: { m: MetricResult }) {
  const intervals = m.variants.map(meanInterval);
  const hi = Math.max(...m.variants.map((v, i) => Math.max(v.mean, intervals[i]?.[1] ?? v.mean)), 1e-9);
  const x = scale(0, hi * 1.05, LABEL, W - VALUES);
  const h = m.variants.length * ROW + 24;
  const fmt = (v: number) => (m.kind === 'rate' ? pct(v) : num(v));
  return (
    <svg className="exp-chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={`${m.label}: mean per variant`} data-testid="means-chart">
      <line x1={LABEL} x2={LABEL} y1={4} y2={h - 20} className="axis" />
      {m.variants.map((v, i) => {
        const y = 8 + i * ROW;
        const ci = intervals[i];
        return (
          <g key={v.variant}>
            <text x={LABEL - 8} y={y + 13} textAnchor="end" className="label">
              {v.variant}
            </text>
            <rect x={LABEL} y={y} width={Math.max(0, x(v.mean) - LABEL)} height={18} className={i === 0 ? 'bar control' : 'bar'} />
            {ci && (
              <g className="whisker">
                <line x1={x(Math.max(0, ci[0]))} x2={x(ci[1])} y1={y + 9} y2={y + 9} />
                <line x1={x(Math.max(0, ci[0]))} x2={x(Math.max(0, ci[0]))} y1={y + 4} y2={y + 14} />
                <line x1={x(ci[1])} x2={x(ci[1])} y1={y + 4} y2={y + 14} />
              </g>
            )}
            <text x={W - 4} y={y + 13} textAnchor="end" className="value">
              {fmt(v.mean)}
            </text>
          </g>
        );
      })}
      <text x={LABEL} y={h - 6} className="tick">
        0
      </text>
      <text x={W - VALUES} y={h - 6} textAnchor="end" className="tick">
        {fmt(hi * 1.05)}
      </text>
    </svg>
  );
}

export function LiftChart({ m, cuped }: { m: MetricResult; cuped: boolean }) {
  const rows = m.variants.slice(1).map((v) => ({ v, lift: cuped && v.cuped ? v.cuped.lift : v.lift }));
  const bounds = rows.flatMap((r) => (r.lift?.relativeCi ? r.lift.relativeCi : r.lift?.relative != null ? [r.lift.relative] : []));
  const reach = Math.max(0.05, ...bounds.map(Math.abs)) * 1.1;
  const x = scale(-reach, reach, LABEL, W - VALUES);
  const h = rows.length * ROW + 24;
  return (
    <svg className="exp-chart" viewBox={`0 0 ${W} ${h}`} role="img" aria-label={`${m.label}: relative lift against control`} data-testid="lift-chart">
      <line x1={x(0)} x2={x(0)} y1={4} y2={h - 20} className="axis" />
      {rows.map(({ v, lift }, i) => {
        const y = 8 + i * ROW;
        const ci = lift?.relativeCi;
        const significant = lift?.pValue != null && lift.pValue < 0.05;
        const cls = !significant ? 'flat' : (lift!.relative ?? 0) > 0 ? 'up' : 'down';
        return (
          <g key={v.variant} className={`lift ${cls}`}>
            <text x={LABEL - 8} y={y + 13} textAnchor="end" className="label">
              {v.variant}
            </text>
            {ci && <line x1={x(ci[0])} x2={x(ci[1])} y1={y + 9} y2={y + 9} className="ci" />}
            {lift?.relative != null && <circle cx={x(lift.relative)} cy={y + 9} r={5} />}
            <text x={W - 4} y={y + 13} textAnchor="end" className="value">
              {lift?.relative != null ? `${lift.relative >= 0 ? '+' : ''}${pct(lift.relative)}` : 'n/a'}
            </text>
          </g>
        );
      })}
      <text x={x(-reach)} y={h - 6} className="tick">
        {pct(-reach, 0)}
      </text>
      <text x={x(0)} y={h - 6} textAnchor="middle" className="tick">
        0
      </text>
      <text x={x(reach)} y={h - 6} textAnchor="end" className="tick">
        +{pct(reach, 0)}
      </text>
    </svg>
  );
}

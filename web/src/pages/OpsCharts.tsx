import type { QoeBucket } from './opsData';

const W = 520;
const H = 150;
const PAD = { left: 48, right: 12, top: 12, bottom: 24 };

export interface Series {
  label: string;
  className: string;
  value: (b: QoeBucket) => number | null;
}

const hour = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One line per series over the time buckets; empty buckets leave gaps rather than dropping to zero. */
export function TimeChart({ title, buckets, series, format }: { title: string; buckets: QoeBucket[]; series: Series[]; format: (v: number) => string }) {
  const values = buckets.flatMap((b) => series.map((s) => s.value(b)).filter((v): v is number => v !== null));
  const max = Math.max(1e-9, ...values);
  const x = (i: number) => PAD.left + (buckets.length <= 1 ? 0 : (i / (buckets.length - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const paths = series.map((s) => {
    let d = '';
    let pen = false;
    buckets.forEach((b, i) => {
      const v = b.sessions > 0 ? s.value(b) : null;
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    return { s, d };
  });
  const ticks = [0, max / 2, max];
  return (
    <figure className="ops-chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="tick">
              {format(t)}
            </text>
          </g>
        ))}
        {buckets.length > 0 && (
          <>
            <text x={PAD.left} y={H - 6} className="tick">{hour(buckets[0]!.start)}</text>
            <text x={W - PAD.right} y={H - 6} textAnchor="end" className="tick">{hour(buckets.at(-1)!.start)}</text>
          </>
        )}
        {paths.map(({ s, d }) => (
          <path key={s.label} d={d} className={`line ${s.className}`} />
        ))}
        {paths.map(({ s }) =>
          buckets.map((b, i) => {
            const v = b.sessions > 0 ? s.value(b) : null;
            return v === null ? null : <circle key={`${s.label}${i}`} cx={x(i)} cy={y(v)} r={2.5} className={`dot ${s.className}`}><title>{`${s.label} ${hour(b.start)}: ${format(v)}`}</title></circle>;
          }),
        )}
      </svg>
      <div className="legend">
        {series.map((s) => (
          <span key={s.label} className={`key ${s.className}`}>{s.label}</span>
        ))}
      </div>
    </figure>
  );
}

import type { LadderPoint, LadderReport } from './studioData';

// Rate-quality chart of a per-title analysis, inline SVG: bitrate (log scale) against score,
// one line per trial resolution, the convex hull dashed, the chosen rungs ringed.

const W = 560;
const H = 320;
const PAD = { left: 44, right: 92, top: 24, bottom: 36 };
const COLOURS = ['#e5534b', '#f0a030', '#46b46e', '#4aa3df', '#9b6bdf', '#d96bb5'];

const key = (p: { width: number; height: number; crf: number | null }) => `${p.width}x${p.height}@${p.crf}`;

export function LadderChart({ ladder }: { ladder: LadderReport }) {
  const points = ladder.points;
  if (points.length === 0) return <p className="muted">No trial encodes: this video used the fixed ladder.</p>;
  const kbps = points.map((p) => p.kbps);
  const lo = Math.log10(Math.min(...kbps) * 0.9);
  const hi = Math.log10(Math.max(...kbps) * 1.1);
  const yLo = Math.max(0, Math.floor(Math.min(...points.map((p) => p.score)) / 10) * 10);
  const yHi = ladder.metric === 'vmaf' ? 100 : Math.ceil(Math.max(...points.map((p) => p.score)) / 5) * 5;
  const x = (k: number) => PAD.left + ((Math.log10(k) - lo) / (hi - lo || 1)) * (W - PAD.left - PAD.right);
  const y = (s: number) => H - PAD.bottom - ((s - yLo) / (yHi - yLo || 1)) * (H - PAD.top - PAD.bottom);
  const heights = [...new Set(points.map((p) => p.height))].sort((a, b) => b - a);
  const line = (ps: LadderPoint[]) => [...ps].sort((a, b) => a.kbps - b.kbps).map((p) => `${x(p.kbps).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const chosen = new Set(ladder.rungs.filter((r) => r.codec.startsWith('avc1')).map(key));
  const xTicks = decadeTicks(10 ** lo, 10 ** hi);
  const yTicks = Array.from({ length: Math.floor((yHi - yLo) / 10) + 1 }, (_, i) => yLo + i * 10);
  const metric = ladder.metric === 'psnr' ? 'PSNR (dB)' : 'VMAF';
  return (
    <svg className="ladder-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Bitrate against ${metric}, one line per resolution`} data-testid="ladder-chart">
      <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} className="axis" />
      <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="axis" />
      {xTicks.map((t) => (
        <g key={`x${t}`}>
          <line x1={x(t)} x2={x(t)} y1={PAD.top} y2={H - PAD.bottom} className="grid" />
          <text x={x(t)} y={H - PAD.bottom + 14} textAnchor="middle" className="tick">
            {t >= 1000 ? `${t / 1000}M` : `${t}k`}
          </text>
        </g>
      ))}
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
          <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="tick">
            {t}
          </text>
        </g>
      ))}
      <text x={(PAD.left + W - PAD.right) / 2} y={H - 4} textAnchor="middle" className="tick">
        bitrate on the samples (kbit/s, log scale)
      </text>
      <text x={4} y={12} className="tick">
        {metric}
      </text>
      {heights.map((h, i) => {
        const colour = COLOURS[i % COLOURS.length];
        const ps = points.filter((p) => p.height === h);
        return (
          <g key={h} data-testid={`ladder-line-${h}`}>
            <polyline points={line(ps)} fill="none" stroke={colour} strokeWidth={2} />
            {ps.map((p) => (
              <circle key={key(p)} cx={x(p.kbps)} cy={y(p.score)} r={3} fill={colour}>
                <title>{`${p.width}x${p.height} CRF ${p.crf}: ${Math.round(p.kbps)} kbit/s, ${p.score.toFixed(1)}`}</title>
              </circle>
            ))}
            <text x={W - PAD.right + 8} y={PAD.top + 12 + i * 16} className="legend" style={{ fill: colour }}>
              {h}p
            </text>
          </g>
        );
      })}
      <polyline points={line(ladder.hull)} fill="none" className="hull" />
      {points.filter((p) => chosen.has(key(p))).map((p) => (
        <circle key={`rung-${key(p)}`} cx={x(p.kbps)} cy={y(p.score)} r={7} className="rung" data-testid="ladder-rung" />
      ))}
      <text x={W - PAD.right + 8} y={PAD.top + 12 + heights.length * 16 + 8} className="legend">
        ◯ chosen rung
      </text>
      <text x={W - PAD.right + 8} y={PAD.top + 12 + heights.length * 16 + 24} className="legend">
        - - hull
      </text>
    </svg>
  );
}

/** 1-2-5 ticks per decade inside [lo, hi]. */
function decadeTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let d = 10 ** Math.floor(Math.log10(lo)); d <= hi; d *= 10) {
    for (const m of [1, 2, 5]) if (d * m >= lo && d * m <= hi) ticks.push(d * m);
  }
  return ticks;
}

// A tiny SVG sparkline for the functions list: one line of per-minute values, the last point
// marked. SVG keeps dozens of rows cheap; the function page uses uPlot for real charts.
export function Sparkline(props: { values: readonly (number | null)[]; tone?: 'accent' | 'bad' | 'warn'; label: string; width?: number; height?: number }) {
  const w = props.width ?? 120;
  const h = props.height ?? 28;
  const vals = props.values.map((v) => v ?? 0);
  const max = Math.max(1, ...vals);
  const right = w - 3; // room for the last point's dot, which would be cut in half at the edge
  const step = vals.length > 1 ? right / (vals.length - 1) : right;
  const y = (v: number) => h - 2 - (v / max) * (h - 4);
  const points = vals.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const area = `0,${h} ${points} ${right},${h}`;
  const last = vals[vals.length - 1] ?? 0;
  return (
    <svg class={`spark ${props.tone ?? 'accent'}`} width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
      <polygon class="spark-area" points={area} />
      <polyline class="spark-line" points={points} />
      <circle class="spark-dot" cx={right} cy={y(last)} r="2" />
    </svg>
  );
}

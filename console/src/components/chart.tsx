// A time-series chart with uPlot: per-minute series sharing one time axis, sized to its container,
// colours taken from the page's CSS variables so that dark mode follows.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** A CSS variable name, e.g. --accent. */
  color: string;
  unit?: string;
}

/** Whole-number steps for counts, so a count axis never reads 0.5 invocations. */
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6];

/** A value with no neighbour draws no line segment; such series get dots so one busy minute shows. */
function hasIsolated(values: ArrayLike<number | null | undefined>): boolean {
  return Array.from(values).some((v, i, all) => v !== null && v !== undefined && (all[i - 1] ?? null) === null && (all[i + 1] ?? null) === null);
}

const hhmm = (t: number) => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function Chart(props: { title: string; start: number; series: ChartSeries[]; height?: number; testId?: string; counts?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const times = props.series[0]?.values.map((_, i) => props.start / 1000 + i * 60) ?? [];
  const data = [times, ...props.series.map((s) => s.values)] as uPlot.AlignedData;

  useEffect(() => {
    const el = box.current!;
    const grid = { stroke: cssVar('--grid'), width: 1 };
    const axis = { stroke: cssVar('--muted'), grid, ticks: { show: false }, font: '11px system-ui, sans-serif' };
    const xAxis: uPlot.Axis = { ...axis, size: 30, space: 64, values: (_u, splits) => splits.map(hhmm) };
    const yAxis: uPlot.Axis = { ...axis, size: 44, ...(props.counts ? { incrs: COUNT_INCRS } : {}) };
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height: props.height ?? 160,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: [xAxis, yAxis],
      series: [
        { value: (_u, v) => (v === null || v === undefined ? '' : hhmm(v)) },
        ...props.series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.color),
          width: 1.5,
          fill: cssVar(s.color) + '22',
          points: { show: (u: uPlot, i: number) => hasIsolated(u.data[i]), size: 5, fill: cssVar(s.color) },
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : `${Math.round(v * 100) / 100}${s.unit ?? ''}`),
        })),
      ],
    };
    plot.current = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: props.height ?? 160 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of series changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.series.map((s) => s.label).join('|')]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const total = props.series.map((s) => s.values.reduce<number>((a, v) => a + (v ?? 0), 0));
  return (
    <figure class="chart" data-testid={props.testId} data-total={total.join(',')}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} class="chart-box" />
    </figure>
  );
}

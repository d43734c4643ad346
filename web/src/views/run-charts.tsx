// Charts of a task's real runs over time (uPlot): duration, bytes sent, files changed per step.
// Hovering shows the run under the cursor; a click opens it in Logs. Colours come from the
// palette (light or dark) and follow the theme toggle.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get } from '../api';
import { bytes, duration, when } from '../format';
import type { RunRecord, StepKind } from '../types';
import { historyOf, type RunPoint } from './run-history';

const HEIGHT = 110;
const STEP_COLOUR_VARS: Record<StepKind, string> = { encrypt: '--combined-line', rsync: '--accent', cloud: '--accent', prune: '--muted' };

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** the theme as an effect dependency: charts are redrawn in the new palette */
function useThemeKey(): string {
  const [key, setKey] = useState(document.documentElement.dataset.theme ?? '');
  useEffect(() => {
    const o = new MutationObserver(() => setKey(document.documentElement.dataset.theme ?? ''));
    o.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => o.disconnect();
  }, []);
  return key;
}

interface ChartProps {
  title: string;
  points: RunPoint[];
  series: Array<{ label: string; colourVar: string; value(p: RunPoint): number | null }>;
  format(v: number): string;
  onHover(i: number | null): void;
  onPick(i: number): void;
  themeKey: string;
}

function Chart({ title, points, series, format, onHover, onPick, themeKey }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const hovered = useRef<number | null>(null);
  const handlers = useRef({ onHover, onPick });
  handlers.current = { onHover, onPick };
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--line-soft') }, ticks: { stroke: cssVar('--line') } };
    const data: uPlot.AlignedData = [points.map((p) => p.t), ...series.map((s) => points.map((p) => s.value(p)))];
    const u = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { points: { size: 7 } },
        // one run: an hour either side of it (uPlot would widen a single time by 86400 units: years in seconds)
        scales: { x: { time: true, range: (_u, min, max) => (points.length === 1 && points[0] ? [points[0].t - 3600, points[0].t + 3600] : [min, max]) } },
        axes: [axis, { ...axis, size: 60, values: (_u, vals) => vals.map((v) => format(v)) }],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: cssVar(s.colourVar), width: 2, points: { show: true, size: 5 } }))],
        hooks: {
          setCursor: [
            (self) => {
              const i = self.cursor.idx ?? null;
              hovered.current = i;
              handlers.current.onHover(i);
            },
          ],
        },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
    };
    // series and format are fixed per chart; points and the palette redraw it
  }, [points, themeKey]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div
        ref={box}
        className="chart-box"
        role="img"
        aria-label={`${title} of the last ${points.length} runs`}
        onClick={() => hovered.current !== null && handlers.current.onPick(hovered.current)}
        onMouseLeave={() => handlers.current.onHover(null)}
      />
    </figure>
  );
}

export function RunCharts({ task, version, onOpenRun }: { task: string; version: number; onOpenRun(id: number): void }) {
  const [points, setPoints] = useState<RunPoint[]>([]);
  const [hover, setHover] = useState<number | null>(null);
  const themeKey = useThemeKey();
  useEffect(() => {
    let gone = false;
    get<RunRecord[]>(`/api/runs?task=${encodeURIComponent(task)}&limit=200`).then(
      (r) => !gone && setPoints(historyOf(r)),
      () => {},
    );
    return () => {
      gone = true;
    };
  }, [task, version]);
  if (points.length === 0) return <p className="muted charts-empty">No runs yet: charts of duration, bytes sent and files changed appear after the first run.</p>;
  const kinds = [...new Set(points.flatMap((p) => Object.keys(p.changed)))] as StepKind[];
  const h = hover === null ? undefined : points[hover];
  const pick = (i: number) => {
    const p = points[i];
    if (p) onOpenRun(p.id);
  };
  const common = { points, onHover: setHover, onPick: pick, themeKey };
  return (
    <div className="charts" data-testid="run-charts" data-points={points.length}>
      <p className="chart-hover" data-testid="chart-hover" aria-live="polite">
        {h ? (
          <>
            run #{h.id} · {when(new Date(h.t * 1000).toISOString())} · <span className={`status status-${h.status}`}>{h.status}</span> · {duration(h.durationSec * 1000)} · {bytes(h.bytesSent)} sent ·{' '}
            {kinds.map((k) => `${k} ${h.changed[k] ?? 0}`).join(', ')} changed — click to open it in Logs
          </>
        ) : (
          <span className="muted">{points.length === 1 ? 'the last run' : `the last ${points.length} runs`}; hover a point to see its run, click to open it in Logs</span>
        )}
      </p>
      <div className="chart-row">
        <Chart {...common} title="duration" series={[{ label: 'duration', colourVar: '--accent', value: (p) => p.durationSec }]} format={(v) => duration(v * 1000)} />
        <Chart {...common} title="bytes sent" series={[{ label: 'bytes', colourVar: '--ok', value: (p) => p.bytesSent }]} format={(v) => bytes(v)} />
        <Chart {...common} title="files changed, per step" series={kinds.map((k) => ({ label: k, colourVar: STEP_COLOUR_VARS[k], value: (p: RunPoint) => p.changed[k] ?? null }))} format={(v) => String(Math.round(v))} />
      </div>
    </div>
  );
}

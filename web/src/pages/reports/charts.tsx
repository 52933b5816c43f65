/**
 * The Reports page's charts, drawn as SVG with visx (scales, bars, axes). A chart is a picture of a table that the
 * page also shows (the table view is the accessible truth): the SVG is one image named by its text alternative.
 */
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';

const WIDTH = 720;
const PAD = { top: 12, right: 12, bottom: 44, left: 48 };

export interface Series {
  name: string;
  values: number[];
  /** CSS class of the bars and of the legend's swatch. */
  className: string;
}

const tickLabel = { className: 'axis-label', fontSize: 11 } as const;

function Legend({ series }: { series: { name: string; className: string }[] }) {
  if (series.length < 2) return null;
  return (
    <ul className="legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.name}>
          <svg width="12" height="12">
            <rect width="12" height="12" className={s.className} />
          </svg>
          {s.name}
        </li>
      ))}
    </ul>
  );
}

/** Bars per category, one per series side by side (this period and, when compared, the previous one). */
export function BarChart(props: { label: string; categories: string[]; series: Series[]; height?: number; format?: (v: number) => string }) {
  const height = props.height ?? 240;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const x0 = scaleBand<string>({ domain: props.categories, range: [0, innerW], padding: 0.2 });
  const x1 = scaleBand<number>({ domain: props.series.map((_, i) => i), range: [0, x0.bandwidth()], padding: 0.08 });
  const y = scaleLinear<number>({ domain: [0, max], range: [innerH, 0], nice: true });
  const ticks = y.ticks(4).filter(Number.isInteger); // counts: no 0.5 booking
  return (
    <>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.label}>
        <Group left={PAD.left} top={PAD.top}>
          {ticks.map((v) => (
            <line key={v} x1={0} x2={innerW} y1={y(v)} y2={y(v)} className="grid-line" />
          ))}
          {props.categories.map((c, ci) => (
            <Group key={c} left={x0(c) ?? 0}>
              {props.series.map((s, si) => {
                const v = s.values[ci] ?? 0;
                const h = innerH - y(v);
                return <Bar key={s.name} x={x1(si) ?? 0} y={y(v)} width={x1.bandwidth()} height={v > 0 ? Math.max(h, 1) : 0} className={s.className} />;
              })}
            </Group>
          ))}
          <AxisLeft scale={y} tickValues={ticks} tickFormat={(v) => (props.format ?? String)(Number(v))} tickLabelProps={tickLabel} hideTicks
            axisLineClassName="axis-line" />
          <AxisBottom top={innerH} scale={x0} tickLabelProps={tickLabel} hideTicks axisLineClassName="axis-line" />
        </Group>
      </svg>
      <Legend series={props.series} />
    </>
  );
}

/** Stacked bars per date: one segment per service. Labels on about a dozen dates whatever the range's length. */
export function StackedDaysChart(props: { label: string; dates: string[]; series: Series[] }) {
  const height = 260;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const totals = props.dates.map((_, i) => props.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const x = scaleBand<string>({ domain: props.dates, range: [0, innerW], padding: props.dates.length > 60 ? 0.05 : 0.2 });
  const y = scaleLinear<number>({ domain: [0, Math.max(1, ...totals)], range: [innerH, 0], nice: true });
  const ticks = y.ticks(4).filter(Number.isInteger);
  const every = Math.max(1, Math.ceil(props.dates.length / 12));
  return (
    <>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.label}>
        <Group left={PAD.left} top={PAD.top}>
          {ticks.map((v) => (
            <line key={v} x1={0} x2={innerW} y1={y(v)} y2={y(v)} className="grid-line" />
          ))}
          {props.dates.map((date, i) => {
            let acc = 0;
            return (
              <Group key={date} left={x(date) ?? 0}>
                {props.series.map((s) => {
                  const v = s.values[i] ?? 0;
                  if (!v) return null;
                  const top = y(acc + v);
                  const h = y(acc) - top;
                  acc += v;
                  return <Bar key={s.name} x={0} y={top} width={Math.max(1, x.bandwidth())} height={Math.max(h, 0.5)} className={s.className} />;
                })}
              </Group>
            );
          })}
          <AxisLeft scale={y} tickValues={ticks} tickLabelProps={tickLabel} hideTicks axisLineClassName="axis-line" />
          <AxisBottom top={innerH} scale={x} tickValues={props.dates.filter((_, i) => i % every === 0)} tickFormat={(d) => String(d).slice(5)}
            tickLabelProps={tickLabel} hideTicks axisLineClassName="axis-line" />
        </Group>
      </svg>
      <Legend series={props.series} />
    </>
  );
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Occupancy as a weekday × hour grid, darker when fuller; a cell the range does not have stays empty. */
export function HeatmapChart(props: { label: string; cells: { weekday: number; hour: number; occupancy: number | null }[] }) {
  const height = 250;
  const pad = { top: 8, right: 12, bottom: 32, left: 48 };
  const innerW = WIDTH - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const hours = Array.from({ length: 24 }, (_, h) => h);
  const x = scaleBand<number>({ domain: hours, range: [0, innerW], padding: 0.06 });
  const y = scaleBand<number>({ domain: [1, 2, 3, 4, 5, 6, 7], range: [0, innerH], padding: 0.08 });
  const max = Math.max(0.0001, ...props.cells.map((c) => c.occupancy ?? 0));
  return (
    <>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.label}>
        <Group left={pad.left} top={pad.top}>
          {props.cells.map((c) => (
            <Bar
              key={`${c.weekday}-${c.hour}`}
              x={x(c.hour) ?? 0}
              y={y(c.weekday) ?? 0}
              width={x.bandwidth()}
              height={y.bandwidth()}
              className={c.occupancy ? 'heat-cell' : 'heat-cell heat-empty'}
              fillOpacity={c.occupancy ? 0.15 + 0.85 * (c.occupancy / max) : 1}
            />
          ))}
          <AxisLeft scale={y} tickFormat={(d) => WEEKDAYS[Number(d) - 1]} tickLabelProps={tickLabel} hideTicks hideAxisLine />
          <AxisBottom top={innerH} scale={x} tickValues={hours.filter((h) => h % 3 === 0)} tickFormat={(h) => `${String(h).padStart(2, '0')}h`}
            tickLabelProps={tickLabel} hideTicks hideAxisLine />
        </Group>
      </svg>
      <p className="legend" aria-hidden="true">
        Darker: fuller (the darkest cell is {Math.round(max * 1000) / 10} % of the seats).
      </p>
    </>
  );
}

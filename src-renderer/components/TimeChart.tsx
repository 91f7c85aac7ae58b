// A time-series chart with uPlot (small, fast, canvas): made once per theme, fed new data as it
// comes, and as wide as its box. A canvas knows no CSS, so every colour is read from the theme's
// CSS variables (--chart-*) and the chart is made again when the theme changes.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useDocumentTheme } from '../app/use-document-theme.js';

export interface Series {
  label: string;
  values: number[];
  /** A CSS variable holding the line's colour, e.g. `--chart-download`. */
  colourVar: `--${string}`;
}

export interface TimeChartProps {
  label: string;
  times: number[];
  series: Series[];
  format: (n: number) => string;
  /** The y axis reaches at least this high, so an idle line does not show "1 B/s" five times. */
  floor?: number;
}

export function TimeChart({ label, times, series, format, floor = 1 }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = [times, ...series.map((s) => s.values)] as uPlot.AlignedData;
  const theme = useDocumentTheme();
  const colourVars = series.map((s) => s.colourVar).join();

  useEffect(() => {
    if (!box.current) return;
    const element = box.current;
    const style = getComputedStyle(element);
    const colour = (name: string) => style.getPropertyValue(name).trim();
    // Labels in the theme's text colour; ticks and grid lines in its border colour.
    const axis = { stroke: colour('--chart-axis'), ticks: { stroke: colour('--chart-grid') }, grid: { stroke: colour('--chart-grid') } };
    const plot = new uPlot(
      {
        width: element.clientWidth || 600,
        height: 200,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: colour(s.colourVar), width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '--' : format(v)) }))],
        axes: [axis, { ...axis, size: 70, values: (_u, ticks) => ticks.map(format) }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(floor, max * 1.1)] } },
      },
      data,
      element,
    );
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 200 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
    // Made once per set of series and theme; data arrives through setData below.
  }, [colourVars, floor, theme]);

  useEffect(() => {
    chart.current?.setData(data);
  });

  return <div ref={box} className="chart" role="img" aria-label={label} />;
}

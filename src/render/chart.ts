// Charts as PNG, with no canvas: vega-lite → vega → SVG → resvg. Pure: data in, bytes out.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';

export interface TrendPoint {
  week: string; // YYYY-MM-DD
  series: string;
  value: number | null;
}

export interface ChartOptions {
  title: string;
  yTitle?: string;
  width?: number; // PNG width in pixels
  height?: number;
  percent?: boolean;
}

/** A line chart of one value per week per series (missing weeks are gaps in the line). */
export async function trendChartPng(points: readonly TrendPoint[], options: ChartOptions): Promise<Buffer> {
  const width = options.width ?? 720;
  const height = options.height ?? 320;
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: width - 200,
    height: height - 80,
    background: 'white',
    title: { text: options.title, anchor: 'start', fontSize: 14 },
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'week', type: 'temporal', title: 'week ending', axis: { format: '%d %b', labelAngle: 0 } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.yTitle ?? '',
        axis: { format: options.percent === false ? ',d' : '.0%' },
        scale: { zero: true },
      },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'right', labelLimit: 230 } },
    },
    config: { font: 'DejaVu Sans', view: { stroke: null } },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  return Buffer.from(png);
}

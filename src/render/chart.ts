// Charts as PNG, with no canvas: vega-lite → vega → SVG → resvg. Pure: data and fonts in, bytes out; the fonts are
// found once, at start-up (src/config/fonts.ts), and resvg reads only those.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ChartFonts } from '../config/fonts.js';

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
  /** the language of the axis titles and dates (default en) */
  locale?: string;
  /** the project's own fonts (chartFonts()): system fonts are never read */
  fonts: ChartFonts;
}

/** Week labels on the x axis, in the reader's language (vega's own month names are English only). */
const DATE_FORMATS: Record<string, string> = { en: '%d %b', 'zh-CN': '%-m月%-d日' };
const AXIS_WORDS: Record<string, { week: string }> = {
  en: { week: 'week ending' },
  'zh-CN': { week: '周截止日' },
};

/** A line chart of one value per week per series (missing weeks are gaps in the line), as PNG bytes. */
export async function trendChartPng(points: readonly TrendPoint[], options: ChartOptions): Promise<Buffer> {
  return Buffer.from((await trendChartImage(points, options)).asPng());
}

/** The chart drawn (resvg's image: its RGBA pixels, or PNG bytes). */
export async function trendChartImage(
  points: readonly TrendPoint[],
  options: ChartOptions,
): Promise<ReturnType<Resvg['render']>> {
  const width = options.width ?? 720;
  const height = options.height ?? 320;
  const locale = options.locale && options.locale in AXIS_WORDS ? options.locale : 'en';
  const { fonts } = options;
  const family = fonts.families.map((f) => `'${f}'`).join(', ');
  const spec: vl.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // The whole picture is width × height (the workbook anchors it at that size); the legend goes under the plot,
    // so that the plot keeps the width when a phone scales the picture down.
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 8,
    background: 'white',
    title: { text: options.title, anchor: 'start', fontSize: 14 },
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'week',
        type: 'temporal',
        title: AXIS_WORDS[locale]!.week,
        // a tick on each week reported (vega's own ticks fall between them), dates in UTC as the weeks are
        scale: { type: 'utc' },
        axis: {
          labelExpr: `utcFormat(datum.value, '${DATE_FORMATS[locale]}')`,
          labelAngle: 0,
          labelOverlap: 'greedy',
          values: [...new Set(points.map((p) => p.week))].map((w) =>
            Date.parse(`${w.slice(0, 10)}T00:00:00Z`),
          ),
        },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.yTitle ?? '',
        axis: { format: '.0%' },
        scale: { zero: true },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        // one line needs no legend (a digest's own book); several are named under the plot
        legend:
          new Set(points.map((p) => p.series)).size > 1
            ? { orient: 'bottom', direction: 'horizontal', columns: 2, labelLimit: width / 2 - 40 }
            : null,
      },
    },
    config: { font: family, view: { stroke: null } },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: fonts.files, defaultFontFamily: fonts.families[0]! },
  }).render();
}

// Charts as PNG, with no canvas: vega-lite → vega → SVG → resvg. Pure: data in, bytes out.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
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

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', '/usr/share/fonts/truetype'];
const FONT_FILES =
  /^(DejaVuSans\.ttf|DejaVuSans-Bold\.ttf|NotoSansCJK-Regular\.ttc|NotoSansSC-Regular\.(otf|ttf)|wqy-(zenhei|microhei)\.ttc)$/;
let fonts: { loadSystemFonts: boolean; fontFiles?: string[]; defaultFontFamily: string } | undefined;

/**
 * The fonts the chart needs, found once. Scanning every system font on each chart cost ~60 ms a chart; a few
 * named files (Latin, plus a CJK face where one is installed for zh-CN titles) are enough. Without them, resvg
 * falls back to the system fonts rather than drawing no text at all.
 */
function fontOptions(): NonNullable<typeof fonts> {
  if (fonts) return fonts;
  const found: string[] = [];
  for (const dir of FONT_DIRS) {
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      const file = path.join(e.parentPath, e.name);
      if (e.isFile() && FONT_FILES.test(e.name) && !found.some((f) => path.basename(f) === e.name))
        found.push(file);
    }
  }
  fonts = found.some((f) => f.endsWith('DejaVuSans.ttf'))
    ? { loadSystemFonts: false, fontFiles: found, defaultFontFamily: 'DejaVu Sans' }
    : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' };
  return fonts;
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
    font: fontOptions(),
  })
    .render()
    .asPng();
  return Buffer.from(png);
}

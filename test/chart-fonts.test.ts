// Covers src/config/fonts.ts, src/render/chart.ts. Charts in every language on a bare server (issue #20): the chart's
// fonts come with the project (npm packages), resvg never reads the system's, so a zh-CN chart draws its Chinese on a
// machine with no font installed.
import { describe, expect, it } from 'vitest';
import { bundledFonts, chartFonts } from '../src/config/fonts.js';
import { trendChartImage, trendChartPng, type TrendPoint } from '../src/render/chart.js';

const WEEKS = ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23'];
const points: TrendPoint[] = WEEKS.map((week, i) => ({ week, series: 'Ana Lima', value: 0.5 + i * 0.05 }));
const latinOnly = () => {
  const f = bundledFonts();
  return { files: f.files.slice(0, 1), families: f.families.slice(0, 1) };
};

/** The title band's pixels (the top 24 rows, left half), as a string to compare. */
async function titleBand(title: string, fonts = chartFonts()): Promise<{ key: string; ink: number }> {
  const img = await trendChartImage(points, { title, width: 400, height: 240, locale: 'zh-CN', fonts });
  const px = img.pixels;
  let key = '';
  let ink = 0;
  for (let y = 0; y < 24; y++)
    for (let x = 0; x < 200; x++) {
      const i = (y * img.width + x) * 4;
      const dark = px[i]! + px[i + 1]! + px[i + 2]! < 600 ? 1 : 0;
      ink += dark;
      key += dark;
    }
  return { key, ink };
}

describe('chart fonts', () => {
  it('come with the project: a Latin and a Chinese TTF from npm packages', () => {
    const f = bundledFonts();
    expect(f.families).toEqual(['Noto Sans', 'Noto Sans SC']);
    expect(f.files.every((x) => x.includes('node_modules/@expo-google-fonts/') && x.endsWith('.ttf'))).toBe(
      true,
    );
  });

  it('draw distinct Chinese characters as distinct glyphs with no system font (not empty boxes)', async () => {
    const a = await titleBand('使使使使使使');
    const b = await titleBand('用用用用用用');
    expect(a.ink).toBeGreaterThan(100);
    expect(b.ink).toBeGreaterThan(100);
    expect(a.key).not.toBe(b.key);
    // The same check fails without the bundled CJK font: both titles come out alike (boxes or nothing).
    const a0 = await titleBand('使使使使使使', latinOnly());
    const b0 = await titleBand('用用用用用用', latinOnly());
    expect(a0.key).toBe(b0.key);
  });

  it('localises the axis title and the dates: a zh-CN chart differs from an en one only in its words', async () => {
    const zh = await trendChartPng(points, { title: 'T', locale: 'zh-CN', fonts: chartFonts() });
    const en = await trendChartPng(points, { title: 'T', locale: 'en', fonts: chartFonts() });
    expect(zh.equals(en)).toBe(false);
    // and the Chinese axis words are drawn, not left as boxes: without the CJK font the picture changes
    const zhLatin = await trendChartPng(points, { title: 'T', locale: 'zh-CN', fonts: latinOnly() });
    expect(zh.equals(zhLatin)).toBe(false);
  });
});

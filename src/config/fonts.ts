// The fonts charts are drawn with come with the project as npm packages (Noto Sans for Latin text, Noto Sans SC
// for Chinese), so that a chart's words render on a bare server with no font installed. One weight of each: the
// CJK face alone is ~10 MB, and resvg reads TTF/OTF (not the WOFF2 files most web-font packages ship).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ChartFonts {
  /** TTF files, Latin first: resvg falls back through them in order for glyphs the first lacks */
  files: string[];
  /** the family names, in the same order, for the SVG's font-family list */
  families: string[];
}

const BUNDLED: { pkg: string; file: string; family: string }[] = [
  { pkg: '@expo-google-fonts/noto-sans', file: '400Regular/NotoSans_400Regular.ttf', family: 'Noto Sans' },
  {
    pkg: '@expo-google-fonts/noto-sans-sc',
    file: '400Regular/NotoSansSC_400Regular.ttf',
    family: 'Noto Sans SC',
  },
];

/** Where the bundled fonts are; a missing one is an installation fault, said in words. */
export function bundledFonts(): ChartFonts {
  const require = createRequire(import.meta.url);
  const files: string[] = [];
  const families: string[] = [];
  for (const f of BUNDLED) {
    let dir: string;
    try {
      dir = path.dirname(require.resolve(`${f.pkg}/package.json`));
    } catch {
      throw new Error(`the chart font package ${f.pkg} is not installed: run npm ci`);
    }
    const file = path.join(dir, f.file);
    if (!existsSync(file)) throw new Error(`the chart font ${file} is missing: reinstall ${f.pkg} (npm ci)`);
    files.push(file);
    families.push(f.family);
  }
  return { files, families };
}

let found: ChartFonts | undefined;

/**
 * The fonts charts are drawn with, found once a process and passed to the renderer: the project's own, never the
 * system's, so that a chart looks the same on a bare server as on a laptop (scanning every installed font also
 * cost ~60 ms a chart).
 */
export function chartFonts(): ChartFonts {
  found ??= bundledFonts();
  return found;
}

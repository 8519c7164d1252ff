// Writes a drop folder in Microsoft's real export formats (formats.md): the files renderDrop.ts renders, then
// manifest.json last. Used by the demo and by tests that build drops by hand.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { countCsvRows } from '../ingest/manifest.js';
import type { DropSpec } from './dropSpec.js';
import { renderDropFiles } from './renderDrop.js';

export { csvLines } from '../csvText.js';
export type {
  CompanySubscription,
  CopilotReport,
  CopilotUser,
  CustomerRow,
  DropSpec,
  GraphUser,
  PartnerCenterSubscription,
  PriceSheetRow,
  TenantDrop,
} from './dropSpec.js';
export { offerMatrixCsv, priceSheetCsv } from './priceFiles.js';
export { renderDropFiles, ticketsCsv } from './renderDrop.js';

export function writeDrop(dropDir: string, spec: DropSpec): void {
  mkdirSync(dropDir, { recursive: true });
  for (const [rel, text] of renderDropFiles(spec)) {
    const file = path.join(dropDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  writeManifest(dropDir);
}

/** manifest.json, written last: every file's size, row count (CSV) and sha256. */
export function writeManifest(dropDir: string, files: string[] = listFiles(dropDir)): void {
  const entries = files
    .filter((f) => f !== 'manifest.json')
    .map((rel) => {
      const buf = readFileSync(path.join(dropDir, rel));
      const rows = rel.endsWith('.csv') ? countCsvRows(buf) : undefined;
      return {
        path: rel,
        bytes: buf.length,
        sha256: createHash('sha256').update(buf).digest('hex'),
        ...(rows !== undefined ? { rows } : {}),
      };
    });
  writeFileSync(path.join(dropDir, 'manifest.json'), JSON.stringify({ files: entries }, null, 1));
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(abs, base));
    else out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
  return out.sort();
}

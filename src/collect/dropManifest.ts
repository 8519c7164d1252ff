// manifest.json of a collected drop: every file, sorted by path, with its size, sha256 and (CSV) row count.
// Each file is streamed once in 1 MiB pieces, so that a large tenant's report is never read whole.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../deliver/files.js';
import { CsvRecordCounter } from '../ingest/manifest.js';

function dropFiles(dropDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile()) files.push(path.relative(dropDir, abs).split(path.sep).join('/'));
    }
  };
  walk(dropDir);
  return files.filter((f) => f !== 'manifest.json').sort();
}

function manifestEntry(dropDir: string, rel: string) {
  const hash = createHash('sha256');
  // Price lists carry no row count: the typographic quote closing their last header misleads a CSV counter.
  const counter =
    rel.endsWith('.csv') && !rel.startsWith('partner-center/') ? new CsvRecordCounter() : undefined;
  const fd = openSync(path.join(dropDir, rel), 'r');
  const buf = Buffer.alloc(1 << 20);
  let bytes = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      counter?.push(chunk);
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { path: rel, bytes, sha256: hash.digest('hex'), ...(counter ? { rows: counter.dataRows() } : {}) };
}

/** manifest.json over every file of the drop, written last. */
export function writeCollectManifest(dropDir: string): void {
  const entries = dropFiles(dropDir).map((rel) => manifestEntry(dropDir, rel));
  writeFileAtomic(path.join(dropDir, 'manifest.json'), JSON.stringify({ files: entries }, null, 1));
}

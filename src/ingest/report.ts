import { describeIssue, type LoadIssue } from './issues.js';

/** What one night's ingest did, for the run report and the run log. */
export interface IngestSummary {
  date: string;
  dropDir: string;
  outcome: 'loaded' | 'loaded_with_issues';
  files: number;
  filesSetAside: number;
  rowsLoaded: number;
  rowsRejected: number;
  issues: LoadIssue[];
  missingSources: string[];
  excluded: Record<string, number>;
  customers: number;
  metricRows: number;
  seconds: number;
}

/** The run report printed after an ingest: what was read, what was set aside and why. */
export function formatIngestReport(s: IngestSummary, options: { maxIssues?: number } = {}): string {
  const max = options.maxIssues ?? 25;
  const errors = s.issues.filter((i) => i.severity === 'error');
  const warnings = s.issues.filter((i) => i.severity === 'warning');
  const lines = [
    `${s.date}: ${s.outcome === 'loaded' ? 'loaded' : 'loaded with problems'} from ${s.dropDir} in ${s.seconds.toFixed(1)} s`,
    `  files ${s.files} (${s.filesSetAside} set aside), rows loaded ${s.rowsLoaded}, rows set aside ${s.rowsRejected}`,
    `  metrics: ${s.metricRows} customer × product rows for ${s.customers} customers`,
  ];
  if (s.missingSources.length) lines.push(`  missing (optional) sources: ${s.missingSources.join(', ')}`);
  const excluded = Object.entries(s.excluded);
  if (excluded.length)
    lines.push(`  free/viral SKUs ignored: ${excluded.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  const shown = [...errors, ...warnings];
  if (shown.length) {
    lines.push(`  ${errors.length} error(s), ${warnings.length} warning(s):`);
    for (const i of shown.slice(0, max)) lines.push(`    ${describeIssue(i)}`);
    if (shown.length > max)
      lines.push(
        `    … and ${shown.length - max} more (all are in the load_issues table and the workbook's Data quality sheet)`,
      );
  }
  return lines.join('\n');
}

// LibreOffice, when installed, converting a workbook to PDF: a workbook Excel would need to repair fails to
// convert. In CI (CI=true) it must be there (.ci/run installs it); elsewhere a test using it is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));

/** Whether a LibreOffice test runs here: always in CI, elsewhere when LibreOffice is installed. */
export const libreOfficeRuns = Boolean(soffice) || process.env.CI === 'true';

/** Converts `file` to PDF in `dir`/pdf with a profile of its own; the PDF's path and what LibreOffice said. */
export function convertToPdf(
  file: string,
  dir: string,
): { pdf: string; status: number | null; stdout: string; stderr: string } {
  if (!soffice) throw new Error('LibreOffice is not installed: .ci/run installs libreoffice-calc-nogui');
  const out = path.join(dir, 'pdf');
  const r = spawnSync(
    soffice,
    [
      '--headless',
      '--norestore',
      `-env:UserInstallation=file://${path.join(dir, 'lo-profile')}`,
      '--convert-to',
      'pdf',
      '--outdir',
      out,
      file,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return {
    pdf: path.join(out, path.basename(file).replace(/\.xlsx$/, '.pdf')),
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

// Covers src/secrets.ts, src/deliver/mailer.ts, src/log.ts, cli/. Issue #7: the SMTP password never appears in logs,
// errors or files. A full demo run, then digests over SMTP with AUTH (accepted, then refused with a wrong password),
// all at debug level; then every byte they printed or wrote is searched for the password, inside the workbooks' zipped
// parts too.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, runCliAsync, type CliResult } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type TestSmtp } from './helpers/smtp.js';

let dir: string;
let cleanup: () => void;
let smtp: TestSmtp;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.close();
  cleanup();
});

function filesUnder(d: string): string[] {
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

it('the SMTP password appears nowhere in the output of a full demo run and of digests over SMTP', async () => {
  const out = path.join(dir, 'demo');
  const outputs: CliResult[] = [];
  // The demo itself, with the password in its environment (it sends nothing, but it must not leak what it has).
  outputs.push(
    runCli(['demo', '--out', out, '--log-level', 'debug'], {
      env: { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD },
    }),
  );
  expect(outputs[0]!.code, outputs[0]!.stderr).toBe(0);
  const week = /portfolio-(\d{4}-\d\d-\d\d)\.xlsx/.exec(outputs[0]!.stdout)?.[1];
  expect(week).toBeDefined();
  const config = path.join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      warehouse: { path: path.join(out, 'warehouse.duckdb') },
      outputDir: path.join(out, 'reports'),
      digest: { outbox: path.join(out, 'outbox'), operatorSummaryTo: 'ops@partner.example' },
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        user: SMTP_USER,
        rejectUnauthorized: false,
        retries: 0,
        retryDelayMs: 1,
      },
    }),
  );
  // Accepted: AUTH carries the password to the server, and nowhere else.
  outputs.push(
    await runCliAsync(
      ['digest', '--week-ending', week!, '--resend', '--config', config, '--log-level', 'debug'],
      {
        env: { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD },
      },
    ),
  );
  expect(outputs[1]!.code, outputs[1]!.stderr).toBe(0);
  expect(smtp.messages.length).toBeGreaterThan(1);
  // Refused: the error says the login failed, without the password that was tried.
  const wrong = `${SMTP_PASSWORD}-but-wrong`;
  outputs.push(
    await runCliAsync(
      ['digest', '--week-ending', week!, '--resend', '--config', config, '--log-level', 'debug'],
      {
        env: { ADOPTION_SMTP_PASSWORD: wrong },
      },
    ),
  );
  expect(outputs[2]!.code).toBe(2);
  expect(outputs[2]!.stdout).toMatch(/failed .*Invalid (login|username or password)/i);
  outputs.push(
    runCli(['status', '--config', config, '--log-level', 'debug'], {
      env: { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD },
    }),
  );

  for (const [i, o] of outputs.entries()) {
    for (const secret of [SMTP_PASSWORD, wrong])
      expect(`${o.stdout}\n${o.stderr}`, `output of command ${i}`).not.toContain(secret);
  }
  const files = filesUnder(dir);
  expect(files.length).toBeGreaterThan(50);
  let zipped = 0;
  for (const f of files) {
    if (statSync(f).size > 512 * 1024 * 1024) continue;
    const bytes = readFileSync(f);
    for (const secret of [SMTP_PASSWORD, wrong]) {
      expect(bytes.includes(Buffer.from(secret)), f).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le')), f).toBe(false);
      expect(
        bytes.includes(Buffer.from(Buffer.from(secret).toString('base64').slice(0, 16))),
        `${f} (base64)`,
      ).toBe(false);
    }
    if (f.endsWith('.xlsx')) {
      const zip = await JSZip.loadAsync(bytes);
      for (const part of Object.values(zip.files)) {
        if (part.dir) continue;
        expect(await part.async('string'), `${f}:${part.name}`).not.toContain(SMTP_PASSWORD);
        zipped++;
      }
    }
  }
  expect(zipped).toBeGreaterThan(10);
}, 240_000);

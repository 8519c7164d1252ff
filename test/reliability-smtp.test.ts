// Covers src/deliver/mailer.ts, src/deliver/smtp.ts, jobs/digest.ts, src/schedule/runner.ts. Issue #16, SMTP: a server
// that stalls after DATA never multiplies a digest; certificate, login and 5xx failures are permanent for the run; the
// run has a deadline and stops within seconds on SIGTERM; one recipient whose workbook cannot be written fails alone;
// the ledger's recipient is exactly the RCPT TO; a server that echoes the password back never gets it into a message, a
// log line or a ledger row. All against smtp-server on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import fs, { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendDigests } from '../jobs/digest.js';
import { SCHEDULED_JOB_TABLE } from '../jobs/scheduled.js';
import { runJob } from '../src/schedule/runner.js';
import { ingest } from '../jobs/ingest.js';
import { PROJECT_ROOT } from '../src/config/load.js';
import { classifySmtpError } from '../src/deliver/mailer.js';
import type { JobContext } from '../src/context.js';
import { writeDrop } from '../src/demo/writeDrop.js';
import { createLogger } from '../src/log.js';
import { clearSecrets, redact, registerSecretsFromEnv } from '../src/secrets.js';
import { Warehouse } from '../src/warehouse/warehouse.js';
import { DROP_DATE, rulesDrop } from './fixtures/rulesDrop.js';
import { runCli } from './helpers/cli.js';
import { tempDir, testContext } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type TestSmtp } from './helpers/smtp.js';

const ODD = "ana.o'brien+digest@partner.example"; // a legal address with characters worth checking byte for byte
/** Whether this process may mount a tmpfs (root in a container that allows it). */
const CAN_MOUNT = (() => {
  const probe = tempDir('adoption-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe.dir], { stdio: 'ignore' });
    execFileSync('umount', [probe.dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    probe.cleanup();
  }
})();
let ctx: JobContext;
let dir: string;
let cleanup: () => void;
let smtp: TestSmtp | undefined;
const env = { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD };
const noSleep = () => Promise.resolve();

function useSmtp(s: TestSmtp, extra: Partial<JobContext['config']['smtp']> = {}): void {
  smtp = s;
  Object.assign(ctx.config.smtp, {
    host: '127.0.0.1',
    port: s.port,
    secure: false,
    requireTLS: true,
    user: SMTP_USER,
    rejectUnauthorized: false,
    retries: 3,
    retryDelayMs: 1,
    connectTimeoutSeconds: 5,
    commandTimeoutSeconds: 1,
    stopGraceSeconds: 0.5,
    ...extra,
  });
}
const send = (extra: Partial<Parameters<typeof sendDigests>[1]> = {}) =>
  sendDigests(ctx, { asOf: DROP_DATE, trigger: 'manual', env, sleep: noSleep, ...extra });
const ledger = () =>
  ctx.wh.all(`SELECT recipient, state, attempts, error FROM deliveries ORDER BY recipient`);
const rcpt = (s: TestSmtp, to: string) => s.envelopes.filter((e) => e.length === 1 && e[0] === to).length;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  const spec = rulesDrop();
  // Written in mixed case: stored lower-cased, and that exact text is both the ledger's recipient and RCPT TO.
  spec.customers![3]!.owner_email = "Ana.O'Brien+digest@Partner.Example";
  writeDrop(path.join(dir, 'exports', DROP_DATE), spec);
  ctx = await testContext(dir);
  ctx.config.outputDir = path.join(dir, 'reports');
  ctx.config.digest.outbox = path.join(dir, 'outbox');
  await ingest(ctx, { asOf: DROP_DATE, trigger: 'manual' });
});
afterEach(async () => {
  ctx.wh.close();
  await smtp?.close();
  smtp = undefined;
  clearSecrets();
  cleanup();
});

describe('what a failure means', () => {
  it('classifies by the reply, or by whether the body had been handed over when none came', () => {
    const cases: [object, boolean, string][] = [
      [{ code: 'ETIMEDOUT', command: 'CONN' }, true, 'uncertain'],
      [{ code: 'ECONNECTION', command: 'CONN' }, true, 'uncertain'],
      [{ code: 'ETIMEDOUT', command: 'CONN' }, false, 'temporary'],
      [{ code: 'ESOCKET', message: 'connect ECONNREFUSED' }, false, 'temporary'],
      [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA' }, true, 'permanent'],
      [{ code: 'EMESSAGE', responseCode: 451, command: 'DATA' }, true, 'temporary'],
      [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }, false, 'permanent'],
      [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, false, 'permanent'],
      [{ code: 'EAUTH', command: 'API' }, false, 'permanent'],
      [
        { code: 'ETLS', message: 'Error initiating TLS - self-signed certificate', command: 'STARTTLS' },
        false,
        'permanent',
      ],
      [{ code: 'ETLS', responseCode: 502, command: 'STARTTLS' }, false, 'permanent'],
      [{ code: 'ETLS', message: 'Connection closed unexpectedly', command: 'CONN' }, false, 'temporary'],
      [{ code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, false, 'permanent'],
    ];
    for (const [err, handedOver, kind] of cases)
      expect(classifySmtpError(err, handedOver), JSON.stringify([err, handedOver])).toBe(kind);
  });
});

describe('a server that stalls after DATA', () => {
  it('is recorded uncertain, never retried within the run, and not resent by the next run unless asked', async () => {
    useSmtp(
      await startSmtp({
        onMessage: (_n, s) => (s.envelope.rcptTo[0]!.address === 'am1@partner.example' ? 'stall' : undefined),
      }),
    );
    const started = Date.now();
    const first = await send();
    expect(Date.now() - started).toBeLessThan(15_000);
    const am1 = first.outcomes.find((o) => o.recipient === 'am1@partner.example')!;
    expect(am1.state).toBe('uncertain');
    expect(am1.error).toMatch(/handed over.*may have been accepted.*Timeout/);
    expect(rcpt(smtp!, 'am1@partner.example')).toBe(1); // retries: 3, yet handed over once
    expect(smtp!.accepted.filter((a) => a[0] === 'am1@partner.example')).toHaveLength(1);
    expect(first.outcomes.filter((o) => o.state === 'sent').map((o) => o.recipient)).toEqual([
      'am2@partner.example',
      ODD,
    ]);
    expect((await ledger()).map((l) => [l.recipient, l.state])).toEqual([
      ['am1@partner.example', 'uncertain'],
      ['am2@partner.example', 'sent'],
      [ODD, 'sent'],
    ]);
    const [run] = await ctx.wh.all(`SELECT state, error FROM runs WHERE job = 'digest'`);
    expect(run!.state).toBe('failed');
    expect(run!.error).toMatch(/1 digest\(s\) uncertain/);

    // The next run: nothing resent (the default grace is "never").
    const second = await send();
    expect(second.outcomes.map((o) => o.state)).toEqual(['uncertain', 'skipped', 'skipped']);
    expect(second.outcomes[0]!.error).toMatch(/not resent.*--resend-uncertain/);
    expect(rcpt(smtp!, 'am1@partner.example')).toBe(1);

    // A configured grace not yet over: still not resent; --resend-uncertain: sent, once.
    ctx.config.digest.resendUncertainAfterHours = 1;
    expect((await send()).outcomes[0]!.state).toBe('uncertain');
    await smtp!.close();
    useSmtp(await startSmtp());
    const third = await send({ resendUncertain: true });
    expect(third.outcomes.map((o) => o.state)).toEqual(['sent', 'skipped', 'skipped']);
    expect(smtp!.accepted).toEqual([['am1@partner.example']]);
    expect((await send()).outcomes.map((o) => o.state)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('is resent by a later run once the configured grace is over', async () => {
    useSmtp(await startSmtp({ onMessage: (n) => (n === 1 ? 'stall' : undefined) }));
    const first = await send();
    const stalled = first.outcomes.find((o) => o.state === 'uncertain')!.recipient;
    ctx.config.digest.resendUncertainAfterHours = 2;
    await ctx.wh.run(
      `UPDATE deliveries SET updated_at = updated_at - INTERVAL 3 HOUR WHERE state = 'uncertain'`,
    );
    const later = await send();
    expect(later.outcomes.find((o) => o.recipient === stalled)!.state).toBe('sent');
    expect(rcpt(smtp!, stalled)).toBe(2);
    // The stalled server had in fact taken it: the grace is the operator's choice of a late duplicate over a loss.
    expect(smtp!.accepted.filter((a) => a[0] === stalled)).toHaveLength(2);
  });

  it('the run has a deadline: a stalled batch stops between messages, the message in progress bounded', async () => {
    useSmtp(await startSmtp({ onMessage: () => 'stall' }), { commandTimeoutSeconds: 30 });
    const started = Date.now();
    // A deadline long enough for the first message to be made and handed over even on a busy machine (three test
    // files at once), far below the 30 s the stalled reply would otherwise take.
    const res = await send({ deadlineMs: 3000 });
    const took = Date.now() - started;
    expect(took).toBeLessThan(10_000); // deadline 3 s + grace 0.5 s, not the 30 s command timeout
    expect(res.stopped).toMatch(/^the run's deadline \(digest\.deadlineMinutes, 3 s\) passed after 1 of 3/);
    expect(res.outcomes.map((o) => o.state)).toEqual(['uncertain']);
    expect(res.outcomes[0]!.error).toMatch(/stopped: the server had not answered/);
    const [run] = await ctx.wh.all(`SELECT state, error FROM runs WHERE job = 'digest'`);
    expect(run).toEqual({ state: 'failed', error: res.stopped });
  });
});

describe('a hung server is given up, not waited on per recipient', () => {
  it('one that never sends its greeting: one message worth of attempts, then the rest fail at once', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => sockets.push(sock)); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      useSmtp({ port } as TestSmtp, { retries: 1, connectTimeoutSeconds: 0.5 });
      smtp = undefined;
      const started = Date.now();
      const res = await send();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(res.outcomes.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
      expect(res.outcomes[0]!.error).toMatch(/Greeting never received|timeout/i);
      expect(res.outcomes[1]!.error).toMatch(/did not answer 2 times in a row.*not tried again in this run/);
      expect(sockets).toHaveLength(2); // retries: 1, for the first recipient only
      // Never handed over: the next run sends them all.
      expect((await ledger()).map((l) => l.state)).toEqual(['failed', 'failed', 'failed']);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('one that stalls after every DATA: uncertain until it has been silent retries+1 times, then the rest fail', async () => {
    useSmtp(await startSmtp({ onMessage: () => 'stall' }), { retries: 1 });
    const res = await send();
    expect(res.outcomes.map((o) => o.state)).toEqual(['uncertain', 'uncertain', 'failed']);
    expect(res.outcomes[2]!.error).toMatch(/not tried again in this run/);
    expect(smtp!.envelopes).toHaveLength(2); // each handed over once; the third never
  });
});

describe('failures that are permanent for the run', () => {
  it('a 5xx after DATA is not retried', async () => {
    useSmtp(await startSmtp({ onMessage: () => ({ code: 554, message: '5.7.1 Message rejected' }) }));
    const res = await send();
    expect(res.outcomes.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
    expect(res.outcomes[0]!.error).toMatch(/554 5\.7\.1 Message rejected/);
    expect(smtp!.envelopes).toHaveLength(3); // once each, retries: 3
  });

  it('a refused login is not retried, and a server that echoes the password never gets it anywhere', async () => {
    useSmtp(await startSmtp({ echoCredentials: true }));
    const lines: string[] = [];
    const dest = { write: (s: string) => lines.push(s) };
    ctx.log = createLogger({ level: 'debug', pretty: false, destination: dest });
    const res = await send();
    expect(res.outcomes.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
    expect(smtp!.counts.logins).toBe(1); // never tried again in the run, for this recipient or the next
    expect(res.outcomes[2]!.error).toMatch(/not tried again in this run/);
    expect(res.outcomes[0]!.error).toMatch(
      /Invalid login: user=digest-bot pass=\[redacted\] token=\[redacted\]/,
    );
    const token = Buffer.from(`\u0000${SMTP_USER}\u0000${SMTP_PASSWORD}`).toString('base64');
    const stored = JSON.stringify([await ledger(), await ctx.wh.all(`SELECT * FROM runs`), res, lines]);
    expect(lines.join('')).toMatch(/digest not delivered/);
    for (const secret of [SMTP_PASSWORD, token]) expect(stored).not.toContain(secret);
  });

  it('a server without STARTTLS when TLS is required: permanent, plain, no password sent', async () => {
    useSmtp(await startSmtp({ noStartTls: true }));
    const res = await send();
    expect(res.outcomes.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
    expect(res.outcomes[0]!.error).toMatch(/STARTTLS|TLS/);
    expect(smtp!.counts.logins).toBe(0);
    expect(smtp!.counts.connections).toBe(1);
  });

  it('a certificate the client refuses is not retried', async () => {
    useSmtp(await startSmtp(), { rejectUnauthorized: true });
    const res = await send();
    expect(res.outcomes.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
    expect(res.outcomes[0]!.error).toMatch(/certificate/i);
    expect(smtp!.counts.connections).toBe(1);
    expect(smtp!.counts.logins).toBe(0);
  });
});

describe('one recipient never stops the batch', () => {
  it('a workbook that cannot be written fails that recipient alone, recorded; the rest are sent', async () => {
    useSmtp(await startSmtp());
    const realWrite = fs.writeFileSync;
    fs.writeFileSync = ((file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView) => {
      if (String(file).includes('am2@partner.example'))
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return realWrite(file, data);
    }) as typeof fs.writeFileSync;
    syncBuiltinESMExports();
    let res;
    try {
      res = await send();
    } finally {
      fs.writeFileSync = realWrite;
      syncBuiltinESMExports();
    }
    expect(res.outcomes.map((o) => [o.recipient, o.state])).toEqual([
      ['am1@partner.example', 'sent'],
      ['am2@partner.example', 'failed'],
      [ODD, 'sent'],
    ]);
    expect(res.outcomes[1]!.error).toMatch(/the disk is full \(ENOSPC\)/);
    const rows = await ledger();
    expect(rows[1]).toMatchObject({ recipient: 'am2@partner.example', state: 'failed' });
    expect(String(rows[1]!.error)).toMatch(/the disk is full/);
    // The next run, with room on the disk, sends only the one that failed.
    const next = await send();
    expect(next.outcomes.map((o) => o.state)).toEqual(['skipped', 'sent', 'skipped']);
  });

  it.skipIf(!CAN_MOUNT)(
    'workbooks on a read-only file system (a tmpfs): each recipient recorded failed, the run ends plainly',
    async () => {
      useSmtp(await startSmtp());
      const mnt = path.join(dir, 'ro-reports');
      mkdirSync(mnt);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
      try {
        execFileSync('mount', ['-o', 'remount,ro', mnt]);
        ctx.config.outputDir = mnt;
        const res = await send();
        expect(res.outcomes.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
        for (const o of res.outcomes) expect(o.error).toMatch(/the file system is read-only \(EROFS\)/);
        expect(smtp!.envelopes).toHaveLength(0);
        expect((await ledger()).map((l) => l.state)).toEqual(['failed', 'failed', 'failed']);
        execFileSync('mount', ['-o', 'remount,rw', mnt]);
        expect((await send()).outcomes.map((o) => o.state)).toEqual(['sent', 'sent', 'sent']);
      } finally {
        execFileSync('umount', [mnt]);
      }
    },
  );

  it('the ledger records byte for byte the recipient given to RCPT TO', async () => {
    useSmtp(await startSmtp());
    await send();
    const rows = await ledger();
    expect(rows.map((r) => r.recipient)).toContain(ODD);
    expect(smtp!.envelopes.map((e) => e.join('|')).sort()).toEqual(
      rows.map((r) => String(r.recipient)).sort(),
    );
  });
});

describe('secrets by value', () => {
  it('every secret of the environment, in every form it travels in, is redacted; other values are not', () => {
    const secret = 'app-Secret"with\\quotes-42';
    registerSecretsFromEnv({
      ADOPTION_GRAPH_CLIENT_SECRET: secret,
      HOME: '/home/adoption-user',
      SHORT_TOKEN: 'abc',
    });
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      pretty: false,
      destination: { write: (l: string) => lines.push(l) },
    });
    log.error(
      { err: new Error(`refused: ${secret}`), nested: { deep: [secret] } },
      `login with ${secret} failed`,
    );
    const b64 = Buffer.from(secret).toString('base64');
    expect(redact(`a ${secret} b ${b64} c ${JSON.stringify(secret)}`)).toBe(
      'a [redacted] b [redacted] c "[redacted]"',
    );
    expect(lines.join('')).not.toContain('app-Secret');
    expect(lines.join('')).toContain('[redacted]');
    expect(redact('/home/adoption-user abc')).toBe('/home/adoption-user abc'); // not secrets; too short to matter
  });

  it('the CLI never prints one, even inside its own error message', () => {
    const secret = 'Tok3n-in-a-path-9f8e7d';
    const r = runCli(['status', '--db', path.join(dir, secret, 'warehouse.duckdb')], {
      env: { ADOPTION_API_TOKEN: secret },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^adoption: the warehouse folder .*\[redacted\] does not exist/);
    expect(r.stderr + r.stdout).not.toContain(secret);
  });
});

describe('SIGTERM', () => {
  it('a scheduled digest run (the scheduler stopping) ends within seconds too, recorded', async () => {
    const stall = await startSmtp({ onMessage: () => 'stall' });
    useSmtp(stall, { commandTimeoutSeconds: 600, stopGraceSeconds: 0.5 });
    ctx.wh.close();
    const stop = new AbortController();
    const running = runJob(
      { config: ctx.config, catalog: ctx.catalog, log: ctx.log, env, jobs: SCHEDULED_JOB_TABLE },
      {
        job: 'digest',
        dueMs: Date.parse('2026-11-24T07:00:00Z'),
        trigger: 'manual',
        date: DROP_DATE,
        signal: stop.signal,
      },
    );
    const until = Date.now() + 30_000;
    while (stall.envelopes.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const stoppedAt = Date.now();
    stop.abort();
    const report = await running;
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(report.state).toBe('failed');
    expect(report.error).toMatch(/stopped by a signal after 1 of 3/);
    ctx.wh = await Warehouse.open(ctx.config.warehouse.path);
    expect((await ledger()).map((l) => l.state)).toEqual(['uncertain']);
    expect(await ctx.wh.all(`SELECT state FROM runs WHERE job = 'digest'`)).toEqual([{ state: 'failed' }]);
  });

  it('stops a digest against a hung server within seconds: the message in progress uncertain, the run failed', async () => {
    const stall = await startSmtp({ onMessage: () => 'stall' });
    smtp = stall;
    ctx.wh.close();
    const configFile = path.join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        warehouse: { path: ctx.config.warehouse.path },
        outputDir: path.join(dir, 'reports'),
        digest: { outbox: path.join(dir, 'outbox') },
        smtp: {
          host: '127.0.0.1',
          port: stall.port,
          user: SMTP_USER,
          rejectUnauthorized: false,
          commandTimeoutSeconds: 600,
          stopGraceSeconds: 1,
        },
      }),
    );
    const child = spawn(
      process.execPath,
      [
        path.join(PROJECT_ROOT, 'bin/adoption.js'),
        'digest',
        '--week-ending',
        DROP_DATE,
        '--config',
        configFile,
      ],
      { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = Date.now() + 60_000;
    while (stall.envelopes.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(stall.envelopes.length).toBe(1);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    expect(Date.now() - signalled).toBeLessThan(8_000);
    expect(code, out).toBe(2);
    expect(out).toMatch(/uncertain +am1@partner\.example/);
    expect(out).toMatch(/stopped by a signal after 1 of 3 recipient\(s\)/);
    ctx.wh = await Warehouse.open(ctx.config.warehouse.path);
    expect((await ledger()).map((l) => [l.recipient, l.state])).toEqual([
      ['am1@partner.example', 'uncertain'],
    ]);
    const runs = await ctx.wh.all(`SELECT state FROM runs WHERE job = 'digest'`);
    expect(runs).toEqual([{ state: 'failed' }]);
    expect(readFileSync(configFile, 'utf8')).not.toContain(SMTP_PASSWORD);
  }, 90_000);
});

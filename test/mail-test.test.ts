// Covers src/deliver/mailTest.ts. `adoption mail-test --to ADDRESS` (issue #20): one test message through the
// configured SMTP server, against a real SMTP server on 127.0.0.1, and each usual failure explained in plain words.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { mailTest } from '../src/deliver/mailTest.js';
import { runCliAsync } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type TestSmtp } from './helpers/smtp.js';

let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

function configFor(port: number, smtpOverrides: Partial<Config['smtp']> = {}): Config {
  const config = loadConfig();
  Object.assign(config.smtp, {
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    user: SMTP_USER,
    rejectUnauthorized: false, // smtp-server's own test certificate
    retries: 0,
    retryDelayMs: 1,
    ...smtpOverrides,
  });
  return config;
}
const env = { ADOPTION_SMTP_PASSWORD: SMTP_PASSWORD };

describe('mail-test', () => {
  it('sends one test message with the configured server (STARTTLS, AUTH)', async () => {
    smtp = await startSmtp();
    const res = await mailTest(configFor(smtp.port), 'ana.lima@partner.example', env);
    expect(res.server).toBe(`127.0.0.1:${smtp.port}`);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.subject).toBe('adoption-insights: test message');
    expect(smtp.envelopes).toEqual([['ana.lima@partner.example']]);
  });

  it('explains a server that offers no STARTTLS', async () => {
    smtp = await startSmtp({ noStartTls: true });
    await expect(mailTest(configFor(smtp.port), 'a@partner.example', env)).rejects.toThrow(
      /does not offer STARTTLS, and smtp\.requireTLS is set/,
    );
    expect(smtp.messages).toHaveLength(0);
  });

  it('explains a login needed with ADOPTION_SMTP_PASSWORD unset, and a login needed with no smtp.user', async () => {
    smtp = await startSmtp();
    await expect(mailTest(configFor(smtp.port), 'a@partner.example', {})).rejects.toThrow(
      /smtp\.user is set \(digest-bot\) but the environment variable ADOPTION_SMTP_PASSWORD is not/,
    );
    await expect(mailTest(configFor(smtp.port, { user: null }), 'a@partner.example', {})).rejects.toThrow(
      /wants a login \(AUTH\) before it takes mail: set smtp\.user .* ADOPTION_SMTP_PASSWORD/,
    );
    expect(smtp.messages).toHaveLength(0);
  });

  it('explains a certificate that is not trusted', async () => {
    smtp = await startSmtp();
    await expect(
      mailTest(configFor(smtp.port, { rejectUnauthorized: true }), 'a@partner.example', env),
    ).rejects.toThrow(/certificate is not trusted .*NODE_EXTRA_CA_CERTS/);
    expect(smtp.messages).toHaveLength(0);
  });

  it('explains a refused login and a server not reachable, and says when no server is configured', async () => {
    smtp = await startSmtp();
    await expect(
      mailTest(configFor(smtp.port), 'a@partner.example', { ADOPTION_SMTP_PASSWORD: 'wrong' }),
    ).rejects.toThrow(
      /refused the login of digest-bot: check smtp\.user and the password in ADOPTION_SMTP_PASSWORD/,
    );
    await expect(mailTest(configFor(1), 'a@partner.example', env)).rejects.toThrow(
      /could not reach the server 127\.0\.0\.1:1/,
    );
    await expect(mailTest(loadConfig(), 'a@partner.example', env)).rejects.toThrow(
      /no SMTP server is configured/,
    );
  });

  it('works from the command line: one line on success; a configuration mistake is one plain line and exit code 1', async () => {
    smtp = await startSmtp();
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ smtp: configFor(smtp.port).smtp }));
      const ok = await runCliAsync(['mail-test', '--to', 'ana.lima@partner.example', '--config', file], {
        env,
      });
      expect(ok.stdout).toMatch(
        /^sent a test message to ana\.lima@partner\.example through 127\.0\.0\.1:\d+/,
      );
      expect(ok.code).toBe(0);
      const bad = await runCliAsync(['mail-test', '--to', 'ana.lima@partner.example', '--config', file], {
        env: { ADOPTION_SMTP_PASSWORD: '' },
      });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/ADOPTION_SMTP_PASSWORD is not/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    } finally {
      cleanup();
    }
  });
});

// Covers src/digest/recipients.ts, src/config/load.ts, src/digest/spend.ts. Account managers described in config
// (DESIGN.md §2, issue #20): validated at start-up with errors naming the key, looked up without case, the defaults for
// anyone not described, and their time zone on the digest's deadlines.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfig } from '../src/config/load.js';
import { recipientFor, undescribedLine } from '../src/digest/recipients.js';
import { spendView } from '../src/digest/spend.js';
import { loadTemplates } from '../src/config/templates.js';
import { tempDir } from './helpers/context.js';

const defaults = () => JSON.parse(readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as Record<string, unknown>;

describe('recipients in config', () => {
  it('refuses a bad description at start-up, naming each key', () => {
    const raw = {
      ...defaults(),
      recipients: {
        'ana.lima@partner.example': { name: ' ', locale: 'fr-FR', timeZone: 'Mars/Olympus', cc: ['boss'] },
        'not-an-address': { name: 'X', locale: 'en', timeZone: 'UTC' },
        'wei@partner.example': { name: 'Wei', locale: 'zh-CN', timeZone: 'Asia/Shanghai', colour: 'red' },
      },
    };
    let message = '';
    try {
      parseConfig(raw, 'test.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^invalid configuration \(test\.json\):/);
    for (const key of [
      'recipients.ana.lima@partner.example.name',
      'recipients.ana.lima@partner.example.locale',
      'recipients.ana.lima@partner.example.timeZone: must be an IANA time zone',
      'recipients.ana.lima@partner.example.cc.0',
      'recipients.not-an-address',
      'recipients.wei@partner.example.colour: unknown key',
    ])
      expect(message).toContain(key);
  });

  it('describes a reader from a config file, the e-mail compared without case; anyone else gets the defaults', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'config.json');
      writeFileSync(
        file,
        JSON.stringify({
          recipients: {
            'Ana.Lima@Partner.example': {
              name: 'Ana Lima',
              locale: 'zh-CN',
              timeZone: 'Asia/Shanghai',
              cc: ['lead@partner.example'],
            },
          },
        }),
      );
      const config = loadConfig(file);
      const ana = recipientFor(config, 'ana.lima@partner.example');
      expect(ana).toEqual({
        email: 'ana.lima@partner.example',
        name: 'Ana Lima',
        locale: 'zh-CN',
        timeZone: 'Asia/Shanghai',
        cc: ['lead@partner.example'],
        described: true,
      });
      const bob = recipientFor(config, 'bob@partner.example');
      expect(bob).toMatchObject({ name: null, locale: 'en', timeZone: 'Europe/London', described: false });
      expect(undescribedLine(config, [ana, bob, bob])).toBe(
        '1 recipient is not described in config (recipients): bob@partner.example; it gets the defaults (en, Europe/London) and a greeting without a name',
      );
      expect(undescribedLine(config, [ana])).toBe('');
    } finally {
      cleanup();
    }
  });

  it("shows a deadline on the reader's own clock", () => {
    const strings = loadTemplates().strings;
    const spend = {
      totals: [],
      customers: [],
      actions: [
        {
          finding: 'cut_now' as const,
          customer: 'Alpha',
          product: 'Microsoft 365 E3',
          seats: 1,
          renewalDate: null,
          deadline: '2026-11-25 10:00 UTC',
          saving: 46.8,
          currency: 'USD',
        },
      ],
    };
    expect(spendView(spend, 'zh-CN', strings['zh-CN'], 'Asia/Shanghai')!.actions[0]).toContain(
      '2026年11月25日 GMT+8 18:00',
    );
    expect(spendView(spend, 'en', strings.en, 'America/New_York')!.actions[0]).toBe(
      'Alpha, Microsoft 365 E3: 1 unassigned seat added in the last 7 days can be cut now with a refund, until Nov 25, 2026, 05:00 EST; saving $46.80 a month',
    );
  });
});

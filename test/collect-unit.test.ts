// Covers src/collect/, src/config/schema.ts. Issue #17: the pure parts of collect: retry decisions, the download-link
// policy, failures in the operator's words, what a resumed run still has to fetch, paged collections merged, the
// endpoint rule of the configuration, and redaction by value.
import { describe, expect, it } from 'vitest';
import { tokenStatus } from '../src/collect/auth.js';
import { aadstsCode, httpFailure, tokenFailure } from '../src/collect/failures.js';
import { downloadTargetProblem, parseRetryAfter, retryDelay } from '../src/collect/http.js';
import { customerRows, mergePages, planWork } from '../src/collect/plan.js';
import { clearSecrets, redact, registerSecret } from '../src/collect/redact.js';
import { collectReportIssues } from '../src/collect/report.js';
import { parseConfig } from '../src/config/load.js';
import { loadConfig } from '../src/config/load.js';
import { endpointProblem } from '../src/config/schema.js';

const policy = { maxRetries: 3, backoffBaseMs: 1000, maxRetryAfterMs: 60_000 };

describe('retryDelay', () => {
  it('honours Retry-After on 429, in seconds or as a date', () => {
    expect(retryDelay({ status: 429, retryAfter: '7' }, 0, policy, 0)).toBe(7000);
    expect(retryDelay({ status: 429, retryAfter: '7' }, 0, policy, 1)).toBe(7250);
    const now = Date.parse('2026-11-24T01:00:00Z');
    expect(parseRetryAfter('Tue, 24 Nov 2026 01:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
  it('gives up on a Retry-After longer than the configured maximum', () => {
    expect(retryDelay({ status: 429, retryAfter: '3600' }, 0, policy, 0)).toBeUndefined();
  });
  it('backs off exponentially with jitter on 5xx and timeouts, not on 4xx', () => {
    expect(retryDelay({ status: 503 }, 0, policy, 0.5)).toBe(1000);
    expect(retryDelay({ status: 500 }, 2, policy, 0.5)).toBe(4000);
    expect(retryDelay({ status: 0 }, 1, policy, 0)).toBe(1000);
    expect(retryDelay({ status: 0 }, 1, policy, 0.999)).toBe(2998);
    expect(retryDelay({ status: 403 }, 0, policy, 0.5)).toBeUndefined();
    expect(retryDelay({ status: 404 }, 0, policy, 0.5)).toBeUndefined();
  });
  it('stops after maxRetries', () => {
    expect(retryDelay({ status: 503 }, 3, policy, 0.5)).toBeUndefined();
    expect(retryDelay({ status: 429, retryAfter: '1' }, 3, policy, 0.5)).toBeUndefined();
  });
});

describe('downloadTargetProblem', () => {
  const allow = ['reports.office.com', '*.reports.office.com', '127.0.0.1'];
  const base = 'https://graph.microsoft.com/v1.0/reports/x';
  it('follows https links on the allow-list and loopback http', () => {
    expect(
      downloadTargetProblem('https://reports.office.com/data/download/abc', base, allow),
    ).toBeUndefined();
    expect(downloadTargetProblem('https://eu.reports.office.com/d', base, allow)).toBeUndefined();
    expect(downloadTargetProblem('http://127.0.0.1:4000/data/download/abc', base, allow)).toBeUndefined();
  });
  it('refuses plain http elsewhere, hosts off the list, and a missing Location', () => {
    expect(downloadTargetProblem('http://reports.office.com/d', base, allow)).toMatch(/not https/);
    expect(downloadTargetProblem('https://evil.example/d', base, allow)).toMatch(
      /evil.example is not in collect.downloadHosts/,
    );
    expect(downloadTargetProblem('https://reports.office.com.evil.example/d', base, allow)).toMatch(/not in/);
    expect(downloadTargetProblem(null, base, allow)).toMatch(/no Location/);
  });
});

describe('failures in the operator words', () => {
  it('maps AADSTS codes to a reason and an action naming the customer', () => {
    expect(aadstsCode({ error: 'invalid_grant', error_codes: [65001] })).toBe(65001);
    expect(aadstsCode({ error_description: 'AADSTS700082: expired' })).toBe(700082);
    expect(tokenFailure(65001, 'Contoso').action).toMatch(/grant consent for Contoso/);
    expect(tokenFailure(90099, 'Contoso').action).toMatch(/applicationconsents/);
    expect(tokenFailure(50020, 'Contoso').action).toMatch(
      /security group that holds the GDAP relationship with Contoso/,
    );
    expect(tokenFailure(700082, 'Contoso').action).toMatch(/adoption auth login/);
    expect(tokenFailure(7000222, 'Contoso').action).toMatch(/ADOPTION_MS_CLIENT_SECRET/);
    expect(tokenFailure(12345, 'Contoso').action).toMatch(/error\?code=12345/);
  });
  it('names the least-privilege role a 403 lacks', () => {
    expect(httpFailure(403, 'report', 'Contoso').action).toBe(
      'add the Reports Reader role to the GDAP relationship for Contoso (and its security group assignment)',
    );
    expect(httpFailure(403, 'subscribedSkus', 'Contoso').action).toMatch(
      /Global Reader \(or Directory Readers\)/,
    );
    expect(httpFailure(429, 'report', 'Contoso').code).toBe('throttled');
  });
});

describe('planWork and friends', () => {
  const customers = [
    { id: 'A1', tenantId: 'aaaa', name: 'A' },
    { id: 'B1', tenantId: 'bbbb', name: 'B' },
    { id: 'C1', tenantId: 'cccc', name: 'C' },
  ];
  it('fetches only the units missing and not already recorded as failed', () => {
    const work = planWork(customers, {
      tenantFolders: new Set(['aaaa']),
      pcKept: new Set(['a1', 'b1']),
      failed: new Set(['graph cccc']),
    });
    expect(work).toEqual([
      { customer: customers[1], units: ['graph'] },
      { customer: customers[2], units: ['pc'] },
    ]);
  });
  it('merges pages into the first page envelope without its next link', () => {
    const merged = mergePages(
      [
        { '@odata.context': 'c', value: [1, 2], '@odata.nextLink': 'n' },
        { '@odata.context': 'c', value: [3] },
      ],
      'value',
      ['@odata.nextLink'],
    );
    expect(JSON.stringify(merged)).toBe('{"@odata.context":"c","value":[1,2,3]}');
  });
  it('takes account managers from the assignment file and lists the customers without one', () => {
    const { rows, unassigned } = customerRows(
      customers,
      new Map([['aaaa', { owner_email: 'x@p.example', locale: 'en', segment: '' }]]),
    );
    expect(rows[0]).toEqual(['aaaa', 'A', 'x@p.example', 'en', '']);
    expect(rows[1]).toEqual(['bbbb', 'B', '', '', '']);
    expect(unassigned.map((c) => c.name)).toEqual(['B', 'C']);
    const issues = collectReportIssues(
      { unassigned: [{ tenantId: 'BBBB', customerName: 'B' }] },
      'collect-report.json',
      'fallback@p.example',
    );
    expect(issues[0]).toMatchObject({ code: 'no_account_manager', customerId: 'bbbb' });
    expect(issues[0]!.message).toContain('fallback@p.example');
  });
});

describe('configuration', () => {
  it('accepts https and loopback http only, naming the key', () => {
    expect(endpointProblem('https://graph.microsoft.com')).toBeUndefined();
    expect(endpointProblem('http://127.0.0.1:8080')).toBeUndefined();
    expect(endpointProblem('http://127.9.9.9')).toBeUndefined();
    expect(endpointProblem('http://localhost:8080')).toMatch(/https/);
    expect(endpointProblem('http://graph.microsoft.com')).toMatch(/https/);
    const raw = JSON.parse(JSON.stringify(loadConfig())) as { microsoft: { endpoints: { graph: string } } };
    raw.microsoft.endpoints.graph = 'http://graph.example.com';
    expect(() => parseConfig(raw, 'test')).toThrow(/microsoft\.endpoints\.graph: must be an https/);
  });
});

describe('secrets', () => {
  it('redacts registered values and anything shaped like a token', () => {
    clearSecrets();
    registerSecret('0.ARsecretvalue123');
    expect(redact('got 0.ARsecretvalue123 back')).toBe('got [redacted] back');
    expect(redact('Authorization: Bearer eyJ0eXAiOiJKV1Qi.abc')).toBe('Authorization: Bearer [redacted]');
    expect(redact('refresh_token=abcdefghijkl&x=1')).toBe('refresh_token=[redacted]&x=1');
    clearSecrets();
  });
  it('says when an unused refresh token expires', () => {
    const st = tokenStatus(
      {
        refreshToken: 'x',
        account: 'a@p',
        tenantId: null,
        source: 'import',
        obtainedAt: '2026-09-01T00:00:00.000Z',
        lastUsedAt: '2026-09-01T00:00:00.000Z',
      },
      Date.parse('2026-11-20T00:00:00Z'),
    );
    expect(st.expiresAt).toBe('2026-11-30T00:00:00.000Z');
    expect(st.daysLeft).toBe(10);
  });
});

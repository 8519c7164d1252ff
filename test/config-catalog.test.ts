// Covers src/config/load.ts, src/config/catalogSchema.ts. src/config/load.ts: both catalogues (products and content)
// are loaded and validated once, at start-up, with the rest of the configuration, and every job gets them in
// JobContext.catalog: a bad content catalogue stops the command or the scheduler at once, not the digest run of Monday
// 07:00. And the retired keys it still accepts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG_FILE,
  DEFAULT_CONTENT_FILE,
  loadCatalog,
  loadConfig,
  loadContentCatalog,
  parseConfig,
} from '../src/config/load.js';
import { UserError } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** A content catalogue whose first item has a kind nobody knows. */
function badContentConfig(): string {
  const content = path.join(dir, 'content.json');
  const item = {
    id: 'poster',
    kind: 'poster',
    title: { en: 'A', 'zh-CN': 'A' },
    url: { en: 'https://example.com/a', 'zh-CN': 'https://example.com/a' },
    problems: ['low_usage'],
  };
  writeFileSync(content, JSON.stringify({ items: [item] }));
  const config = path.join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      catalog: { content },
      warehouse: { path: path.join(dir, 'warehouse.duckdb') },
      exportsRoot: path.join(dir, 'exports'),
    }),
  );
  return config;
}

describe('the catalogues at start-up', () => {
  it('loads the content catalogue with the product catalogue, for JobContext.catalog', () => {
    const config = loadConfig();
    const catalog = loadCatalog(config);
    expect(catalog.products.length).toBeGreaterThan(0);
    expect(catalog.content.items.map((i) => i.id)).toEqual(loadContentCatalog(config).items.map((i) => i.id));
    expect(config.catalog.content ?? DEFAULT_CONTENT_FILE).toBe(DEFAULT_CONTENT_FILE);
  });

  it('refuses a bad content catalogue where the configuration is loaded, naming each problem', () => {
    const config = loadConfig(badContentConfig());
    let error: unknown;
    try {
      loadCatalog(config);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toMatch(/^invalid content catalogue \(.*content\.json\):/);
    expect(message).toContain('items.0.kind: Invalid option');
  });

  it('the scheduler does not start with a bad content catalogue', () => {
    const started = Date.now();
    const res = runCli(['schedule', '--config', badContentConfig()]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('invalid content catalogue');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

describe('retired configuration keys', () => {
  it('accepts a configuration that still carries tickets.categories.incident, which nothing reads, and drops it', () => {
    const raw = JSON.parse(readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as {
      tickets: { categories: Record<string, string[]> };
    };
    raw.tickets.categories.incident = ['incident', 'outage'];
    const config = parseConfig(raw, 'old.json');
    expect(config.tickets.categories).toEqual({ how_to: raw.tickets.categories.how_to });
    expect(raw.tickets.categories.incident).toEqual(['incident', 'outage']); // the caller's object is left alone
    // Any other unknown key is still refused, by name.
    (raw.tickets.categories as Record<string, unknown>).incidnet = [];
    expect(() => parseConfig(raw, 'typo.json')).toThrow('tickets.categories.incidnet: unknown key');
  });
});

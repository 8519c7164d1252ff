import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import {
  catalogSchema,
  configSchema,
  contentCatalogSchema,
  type Catalog,
  type Config,
  type ContentCatalog,
  type ProductCatalog,
} from './schema.js';

// Compiled (npm's prepare script), this file runs from dist/src/config/; queries/, templates/ and config/ stay at
// the project root, above dist/, so both ways of running read the same files.
const SOURCE_ROOT = new URL('../../', import.meta.url);
export const PROJECT_ROOT = fileURLToPath(
  SOURCE_ROOT.pathname.endsWith('/dist/') ? new URL('../', SOURCE_ROOT) : SOURCE_ROOT,
);
export const DEFAULT_CONFIG_FILE = path.join(PROJECT_ROOT, 'config', 'default.json');
export const DEFAULT_CATALOG_FILE = path.join(PROJECT_ROOT, 'config', 'products.json');
export const DEFAULT_CONTENT_FILE = path.join(PROJECT_ROOT, 'config', 'content.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; anything else (arrays included) in the override replaces the base. */
export function deepMerge(base: Json, override: Json): Json {
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, Json> = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = k in base ? deepMerge(base[k] as Json, v) : v;
    return out;
  }
  return override;
}

function readJsonFile(file: string, what: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${what} ${file}: ${code === 'ENOENT' ? 'file not found' : String(err)}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
  } catch (err) {
    throw new UserError(`${what} ${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Every problem at once, one per line, each naming its key. */
export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const key = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length ? `${key}.` : '';
      return issue.keys.map((k) => `${prefix}${k}: unknown key`).join('\n');
    }
    return `${key}: ${issue.message}`;
  });
}

/**
 * Keys an earlier version accepted and nothing reads any more, by path. A configuration that still carries one stays
 * valid (an upgrade never stops the scheduler over a key that did nothing); the key is dropped before validation.
 */
const RETIRED_KEYS = [['tickets', 'categories', 'incident']];

function withoutRetiredKeys(raw: unknown): unknown {
  if (!isPlainObject(raw)) return raw;
  const copy = structuredClone(raw);
  for (const keys of RETIRED_KEYS) {
    let node: Json | undefined = copy;
    for (const key of keys.slice(0, -1)) node = isPlainObject(node) ? node[key] : undefined;
    if (isPlainObject(node)) delete node[keys.at(-1)!];
  }
  return copy;
}

/** `value` checked against `schema`; a UserError naming `what` and every problem when it does not pass. */
function validated<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new UserError(`invalid ${what}:\n  ${formatIssues(result.error.issues).join('\n  ')}`);
  return result.data;
}

export function parseConfig(raw: unknown, source: string): Config {
  return validated(configSchema, withoutRetiredKeys(raw), `configuration (${source})`);
}

export function loadConfig(configFile?: string): Config {
  const defaults = readJsonFile(DEFAULT_CONFIG_FILE, 'default configuration');
  if (!configFile) return parseConfig(defaults, DEFAULT_CONFIG_FILE);
  const override = readJsonFile(configFile, 'configuration file');
  if (!isPlainObject(override))
    throw new UserError(`configuration file ${configFile}: must hold a JSON object`);
  return parseConfig(deepMerge(defaults, override), configFile);
}

/**
 * Both catalogues, validated together at start-up with the rest of the configuration: a bad content catalogue
 * stops the command (or the scheduler) at once, not the digest run of Monday morning.
 */
export function loadCatalog(config: Config): Catalog {
  return { ...loadProductCatalog(config), content: loadContentCatalog(config) };
}

export function loadProductCatalog(config: Config): ProductCatalog {
  const file = config.catalog.products ?? DEFAULT_CATALOG_FILE;
  return validated(catalogSchema, readJsonFile(file, 'product catalogue'), `product catalogue (${file})`);
}

export function loadContentCatalog(config: Config): ContentCatalog {
  const file = config.catalog.content ?? DEFAULT_CONTENT_FILE;
  return validated(
    contentCatalogSchema,
    readJsonFile(file, 'content catalogue'),
    `content catalogue (${file})`,
  );
}

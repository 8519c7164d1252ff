// `collect`: fetches one night's drop from Microsoft Graph and Partner Center and writes the layout of DESIGN §2.
// Customers come from Partner Center; for each one, the Graph token is exchanged at the customer's own tenant and
// the usage report (302 to a download host, fetched with no token), subscribedSkus and directory/subscriptions are
// written to a staging folder that is renamed into the drop whole; its Partner Center subscriptions are kept in the
// work folder until the night is merged. One customer failing is recorded with what to do and the others go on.
// manifest.json is written last. Work state lives beside the drops (<exportsRoot>/.collect/<date>), so that a
// killed run resumes with exactly what is missing and ends with the same bytes.
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config/schema.js';
import { csvLines } from '../demo/writeDrop.js';
import { writeFileAtomic } from '../deliver/files.js';
import { UserError } from '../errors.js';
import { CsvRecordCounter } from '../ingest/manifest.js';
import { mapPool } from '../ingest/pool.js';
import { GUID } from '../ingest/values.js';
import type { Logger } from '../log.js';
import { GRAPH_SCOPE, PARTNER_CENTER_SCOPE, TokenBroker, TokenError, type AuthSettings } from './auth.js';
import {
  contentFailure,
  httpFailure,
  isPartnerWide,
  tokenFailure,
  type CallKind,
  type CollectFailure,
} from './failures.js';
import {
  CallError,
  ContentError,
  downloadTargetProblem,
  getJson,
  withRetries,
  type RetryPolicy,
} from './http.js';
import {
  customerRows,
  failureKey,
  mergePages,
  planWork,
  type AssignmentRow,
  type ListedCustomer,
  type RecordedFailure,
  type Unit,
} from './plan.js';
import { redact } from './redact.js';
import {
  classifyPriceAnswer,
  offerMatrixUrl,
  priceFileName,
  priceRequestHeaders,
  priceSheetUrl,
} from '../spend/priceSources.js';

export const COLLECT_REPORT = 'collect-report.json';
const REPORT_FILE = 'office365ActiveUserDetail.csv';
const COPILOT_FILE = 'copilotUsageUserDetail.csv';
/** Columns the job reads from the user report: a download without them is not the report. */
const REQUIRED_REPORT_COLUMNS = ['report refresh date', 'user principal name', 'assigned products'];
const REQUIRED_COPILOT_COLUMNS = ['report refresh date', 'user principal name'];
/** The Copilot usage report (microsoft-apis.md §5.1): v1.0 answers 200 with the CSV itself, no redirect. */
const COPILOT_REPORT_PATH = "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')";

export interface CollectOptions {
  config: Config;
  auth: AuthSettings;
  log: Logger;
  date: string;
  exportsRoot: string;
  retryFailed?: boolean;
  force?: boolean;
  /** for tests of the clock-dependent parts */
  now?: () => number;
}

export interface CollectResult {
  date: string;
  dropDir: string;
  outcome: 'collected' | 'already_complete' | 'nothing_to_retry';
  customers: number;
  fetchedUnits: number;
  failures: RecordedFailure[];
  unassigned: ListedCustomer[];
  calls: number;
  seconds: number;
}

/** Thrown when the night cannot go on for anyone (the partner's own token refused, the customer list unreadable). */
export class NightFailed extends UserError {
  constructor(
    message: string,
    readonly failure: CollectFailure,
  ) {
    super(message, 2);
    this.name = 'NightFailed';
  }
}

interface Paths {
  drop: string;
  work: string;
}

function pathsFor(exportsRoot: string, date: string): Paths {
  return { drop: path.join(exportsRoot, date), work: path.join(exportsRoot, '.collect', date) };
}

function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 1));
}

function readJsonFile<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Leftovers of a killed run: temporary files in the drop, partial staging folders in the work folder. */
function removeLeftovers(p: Paths): void {
  const sweep = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.name.endsWith('.tmp') || e.name.endsWith('.partial'))
        rmSync(abs, { recursive: true, force: true });
      else if (e.isDirectory()) sweep(abs);
    }
  };
  sweep(p.drop);
  sweep(p.work);
}

/** A small RFC 4180 reader for the assignment file. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

export function readAssignments(file: string | null): Map<string, AssignmentRow> {
  const out = new Map<string, AssignmentRow>();
  if (!file) return out;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `collect.assignments ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`,
    );
  }
  const [header, ...rows] = parseCsv(text);
  const cols = (header ?? []).map((h) => h.trim().toLowerCase());
  const at = (name: string) => cols.indexOf(name);
  for (const name of ['customer_id', 'owner_email']) {
    if (at(name) < 0)
      throw new UserError(
        `collect.assignments ${file}: line 1 has no column "${name}" (columns: customer_id, owner_email, locale, segment)`,
      );
  }
  rows.forEach((r, i) => {
    const id = (r[at('customer_id')] ?? '').trim().toLowerCase();
    if (!GUID.test(id))
      throw new UserError(
        `collect.assignments ${file}: line ${i + 2}, column "customer_id": "${r[at('customer_id')] ?? ''}" is not a tenant GUID`,
      );
    out.set(id, {
      owner_email: (r[at('owner_email')] ?? '').trim(),
      locale: at('locale') >= 0 ? (r[at('locale')] ?? '').trim() : '',
      segment: at('segment') >= 0 ? (r[at('segment')] ?? '').trim() : '',
    });
  });
  return out;
}

export function retryPolicy(config: Config, onCall?: () => void): RetryPolicy {
  const c = config.collect;
  return {
    timeoutMs: c.requestTimeoutSeconds * 1000,
    maxRetries: c.maxRetries,
    backoffBaseMs: c.backoffBaseMs,
    maxRetryAfterMs: c.maxRetryAfterSeconds * 1000,
    onCall,
  };
}

function describeCallError(err: unknown, call: CallKind, customer: string): CollectFailure {
  if (err instanceof ContentError) return contentFailure(call, customer, err.message);
  if (err instanceof TokenError) return tokenFailure(err.code, customer, err.error);
  if (err instanceof CallError) {
    if (err.status === 0) return httpFailure(0, call, customer, err.message);
    let detail = '';
    try {
      const body = JSON.parse(err.body) as {
        error?: { code?: string; message?: string };
        description?: string;
        message?: string;
      };
      detail = body.error?.message ?? body.description ?? body.message ?? '';
    } catch {
      // Partner Center's MFA refusal is plain text: "Unauthorized - MFA required".
      detail = /^[\x20-\x7e]{1,200}$/.test(err.body) ? err.body : '';
    }
    return httpFailure(err.status, call, customer, redact(detail).slice(0, 300));
  }
  return {
    code: 'internal',
    reason: `${call} for ${customer}: ${redact((err as Error).message)}`,
    action: 'report this message',
  };
}

export async function collect(o: CollectOptions): Promise<CollectResult> {
  const started = Date.now();
  const p = pathsFor(o.exportsRoot, o.date);
  const { config, log } = o;
  const ep = config.microsoft.endpoints;
  const graphBase = ep.graph.replace(/\/+$/, '');
  const pcBase = ep.partnerCenter.replace(/\/+$/, '');
  const manifestFile = path.join(p.drop, 'manifest.json');
  const failDir = path.join(p.work, 'failures');
  const result: CollectResult = {
    date: o.date,
    dropDir: p.drop,
    outcome: 'collected',
    customers: 0,
    fetchedUnits: 0,
    failures: [],
    unassigned: [],
    calls: 0,
    seconds: 0,
  };
  const finish = () => ({ ...result, seconds: (Date.now() - started) / 1000 });

  if (o.force) {
    rmSync(p.drop, { recursive: true, force: true });
    rmSync(p.work, { recursive: true, force: true });
  } else if (existsSync(manifestFile)) {
    if (!o.retryFailed) {
      result.outcome = 'already_complete';
      result.failures =
        readJsonFile<{ notCollected?: RecordedFailure[] }>(path.join(p.drop, COLLECT_REPORT))?.notCollected ??
        [];
      return finish();
    }
    const recorded = existsSync(failDir) ? readdirSync(failDir) : [];
    if (recorded.length === 0) {
      result.outcome = 'nothing_to_retry';
      return finish();
    }
    // The drop becomes incomplete until the retried customers are merged in and the manifest is written again.
    rmSync(manifestFile, { force: true });
  }
  if (o.retryFailed) rmSync(failDir, { recursive: true, force: true });
  mkdirSync(p.work, { recursive: true });
  mkdirSync(p.drop, { recursive: true });
  removeLeftovers(p);

  const policy = retryPolicy(config, () => result.calls++);
  const broker = new TokenBroker({ ...o.auth, policy }, o.now);
  const partnerTenant = config.partner.tenantId;
  if (!partnerTenant)
    throw new UserError(
      'partner.tenantId is not set: collect exchanges the Partner Center token at the partner tenant',
    );
  const assignments = readAssignments(config.collect.assignments);

  const partnerToken = async (): Promise<string> => {
    try {
      return await broker.accessToken(partnerTenant, PARTNER_CENTER_SCOPE);
    } catch (err) {
      const f = describeCallError(err, 'customers', 'the partner tenant');
      throw new NightFailed(`the Partner Center token was refused: ${f.reason}. ${f.action}`, f);
    }
  };
  const pcHeaders = async (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${await partnerToken()}`,
    accept: 'application/json',
    'ms-correlationid': randomUUID(),
    'ms-requestid': randomUUID(),
    ...extra,
  });

  // 1. The customers, from Partner Center, every page (kept, so that a resumed run uses the same list).
  const listFile = path.join(p.work, 'customers.json');
  let customers = readJsonFile<ListedCustomer[]>(listFile);
  if (!customers) {
    customers = [];
    let url = `${pcBase}/v1/customers?size=${config.collect.customersPageSize}`;
    let continuation: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      let doc: unknown;
      try {
        ({ doc } = await getJson(
          url,
          await pcHeaders(continuation ? { 'MS-ContinuationToken': continuation } : {}),
          policy,
        ));
      } catch (err) {
        if (err instanceof NightFailed) throw err;
        const f = describeCallError(err, 'customers', 'the partner');
        throw new NightFailed(
          `the customer list could not be read from Partner Center: ${f.reason}. ${f.action}`,
          f,
        );
      }
      const d = doc as {
        items?: unknown;
        links?: { next?: { uri?: string; headers?: { key: string; value: string }[] } };
      };
      if (!Array.isArray(d.items)) {
        const f = contentFailure('customers', 'the partner', 'no "items" in the customer list');
        throw new NightFailed(`the customer list could not be read from Partner Center: ${f.reason}`, f);
      }
      for (const item of d.items as {
        id?: string;
        companyProfile?: { tenantId?: string; companyName?: string };
      }[]) {
        const tenantId = String(item.companyProfile?.tenantId ?? item.id ?? '').toLowerCase();
        if (!/^[0-9a-f-]{36}$/.test(tenantId)) continue;
        customers.push({
          id: String(item.id ?? tenantId),
          tenantId,
          name: String(item.companyProfile?.companyName ?? tenantId),
        });
      }
      const next = d.links?.next;
      if (!next?.uri) break;
      continuation = next.headers?.find((h) => h.key.toLowerCase() === 'ms-continuationtoken')?.value;
      url = new URL(next.uri, `${pcBase}/`).href;
      // The partner's token goes only to Partner Center itself.
      if (!sameOrigin(url, pcBase)) {
        const f = contentFailure('customers', 'the partner', `links.next leaves ${pcBase}`);
        throw new NightFailed(`the customer list could not be read from Partner Center: ${f.reason}`, f);
      }
    }
    writeJsonAtomic(listFile, customers);
  }
  result.customers = customers.length;

  const recordFailure = (c: ListedCustomer, unit: Unit | 'analytics', f: CollectFailure) => {
    const rec: RecordedFailure = { customerId: c.id, tenantId: c.tenantId, customerName: c.name, unit, ...f };
    writeJsonAtomic(path.join(failDir, `${unit}-${c.tenantId}.json`), rec);
    log.warn(
      { customer: c.name, tenant: c.tenantId, unit, code: f.code },
      redact(`not collected: ${f.reason}`),
    );
  };

  // 2. Partner-level analytics (licence deployment and usage), every page.
  const partnerAsCustomer: ListedCustomer = {
    id: partnerTenant,
    tenantId: partnerTenant,
    name: config.partner.name,
  };
  for (const [name, segment] of [
    ['licenses-deployment.json', 'deployment'],
    ['licenses-usage.json', 'usage'],
  ] as const) {
    const keep = path.join(p.work, name);
    if (existsSync(keep) || existsSync(path.join(failDir, `analytics-${segment}.json`))) continue;
    try {
      const pages: { text: string; doc: Record<string, unknown> }[] = [];
      let url: string | null = `${pcBase}/partner/v1/analytics/commercial/${segment}/license?top=10000`;
      while (url) {
        const r = await getJson(url, await pcHeaders(), policy);
        if (!r.doc || typeof r.doc !== 'object' || !Array.isArray((r.doc as { Value?: unknown }).Value))
          throw new ContentError('no "Value" list in the analytics response');
        pages.push({ text: r.text, doc: r.doc as Record<string, unknown> });
        const next = (r.doc as { '@nextLink'?: unknown })['@nextLink'];
        url = typeof next === 'string' && next ? new URL(next, `${pcBase}/`).href : null;
        if (url && !sameOrigin(url, pcBase)) throw new ContentError(`@nextLink leaves ${pcBase}`);
      }
      // One page: Microsoft's bytes as sent. Several: one document in the same envelope.
      writeFileAtomic(
        keep,
        pages.length === 1
          ? pages[0]!.text
          : JSON.stringify(
              {
                ...mergePages(
                  pages.map((x) => x.doc),
                  'Value',
                  [],
                ),
                '@nextLink': null,
              },
              null,
              1,
            ),
      );
      result.fetchedUnits++;
    } catch (err) {
      if (err instanceof NightFailed) throw err;
      const f = describeCallError(err, 'analytics', 'the partner');
      const rec: RecordedFailure = {
        customerId: partnerAsCustomer.id,
        tenantId: partnerAsCustomer.tenantId,
        customerName: partnerAsCustomer.name,
        unit: 'analytics',
        ...f,
      };
      writeJsonAtomic(path.join(failDir, `analytics-${segment}.json`), rec);
    }
  }

  // 2b. The NCE price list and the offer matrix (licence-spend.md §1): they change on the first of a month, so they
  // are fetched once per month into <exports>/.collect/prices/<YYYYMM>/, and every night's drop gets a copy of them,
  // so that each night prices its own seats. A partner without access gets no prices: a note, not a failed night.
  const priceMonth = `${o.date.slice(0, 4)}${o.date.slice(5, 7)}`;
  const priceDir = path.join(o.exportsRoot, '.collect', 'prices', priceMonth);
  const partnerBase = ep.partner.replace(/\/+$/, '');
  const market = config.spend.market ?? 'US';
  for (const [kind, url] of [
    ['pricesheet', `${partnerBase}${new URL(priceSheetUrl({ market })).pathname}`],
    ['offermatrix', `${partnerBase}${new URL(offerMatrixUrl(priceMonth)).pathname}`],
  ] as const) {
    const cached = existsSync(priceDir)
      ? readdirSync(priceDir).find((n) => n.startsWith(`${kind}.`))
      : undefined;
    if (cached) continue;
    try {
      const body = await withRetries(policy, async (signal) => {
        const res = await fetch(url, {
          headers: await pcHeaders(priceRequestHeaders(false)),
          redirect: 'error',
          signal,
        });
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (res.status !== 200)
          throw new CallError(
            `HTTP ${res.status}`,
            res.status,
            Buffer.from(bytes).toString('utf8').slice(0, 500),
            res.headers.get('retry-after'),
          );
        return bytes;
      });
      result.calls++;
      mkdirSync(priceDir, { recursive: true });
      writeFileAtomic(path.join(priceDir, path.basename(priceFileName(kind, body))), Buffer.from(body));
    } catch (err) {
      const status = err instanceof CallError ? err.status : 0;
      log.warn(
        { kind, status, meaning: classifyPriceAnswer(status, 'current') },
        'no price list this month: licence spend has no prices until it can be fetched',
      );
    }
  }

  // 3. Each customer: the Graph unit and the Partner Center unit, a bounded number of customers at once.
  const tenantDir = path.join(p.drop, 'tenants');
  const facts = {
    tenantFolders: new Set(existsSync(tenantDir) ? readdirSync(tenantDir).map((n) => n.toLowerCase()) : []),
    pcKept: new Set(
      existsSync(path.join(p.work, 'pc'))
        ? readdirSync(path.join(p.work, 'pc')).map((n) => n.replace(/\.json$/, ''))
        : [],
    ),
    failed: new Set(
      (existsSync(failDir) ? readdirSync(failDir) : [])
        .map((n) => /^(graph|pc)-(.+)\.json$/.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => failureKey(m[1] as Unit, m[2]!)),
    ),
  };
  const work = planWork(customers, facts);
  let partnerWide: NightFailed | undefined;

  await mapPool(work, config.collect.concurrency, async ({ customer: c, units }) => {
    for (const unit of units) {
      if (partnerWide) return;
      try {
        if (unit === 'graph') await collectGraph(c);
        else await collectPartnerCenter(c);
        result.fetchedUnits++;
      } catch (err) {
        if (err instanceof NightFailed) {
          partnerWide ??= err;
          return;
        }
        if (err instanceof TokenError && err.code !== undefined && isPartnerWide(err.code)) {
          const f = tokenFailure(err.code, c.name, err.error);
          partnerWide ??= new NightFailed(
            `Microsoft refused the partner's token: ${f.reason}. ${f.action}`,
            f,
          );
          return;
        }
        const call = err instanceof FailedCall ? err.call : unit === 'graph' ? 'report' : 'pcSubscriptions';
        recordFailure(c, unit, describeCallError(err instanceof FailedCall ? err.cause : err, call, c.name));
      }
    }
  });
  await broker.flush();
  if (partnerWide) throw partnerWide;

  async function collectGraph(c: ListedCustomer): Promise<void> {
    const token = await broker.accessToken(c.tenantId, GRAPH_SCOPE);
    const auth = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const staging = path.join(p.work, 'staging', `${c.tenantId}.partial`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await step('report', () => downloadReport(auth, path.join(staging, REPORT_FILE)));
    // Only Copilot licence holders are listed; a tenant without Copilot answers a header only (kept as such).
    await step('copilotReport', () =>
      withRetries(policy, async (signal) => {
        const res = await fetch(`${graphBase}${COPILOT_REPORT_PATH}`, {
          headers: auth,
          redirect: 'error',
          signal,
        });
        if (res.status !== 200) {
          const text = await res.text();
          throw new CallError(
            `HTTP ${res.status}`,
            res.status,
            text.slice(0, 2000),
            res.headers.get('retry-after'),
          );
        }
        await streamToFile(res, path.join(staging, COPILOT_FILE), signal, REQUIRED_COPILOT_COLUMNS);
      }),
    );
    for (const [call, rel, file] of [
      ['subscribedSkus', '/v1.0/subscribedSkus', 'subscribedSkus.json'],
      ['subscriptions', '/v1.0/directory/subscriptions', 'subscriptions.json'],
    ] as const) {
      await step(call, async () => {
        const pages: { text: string; doc: Record<string, unknown> }[] = [];
        let url: string | null = `${graphBase}${rel}`;
        while (url) {
          const r = await getJson(url, auth, policy);
          if (!r.doc || typeof r.doc !== 'object' || !Array.isArray((r.doc as { value?: unknown }).value))
            throw new ContentError('no "value" list');
          pages.push({ text: r.text, doc: r.doc as Record<string, unknown> });
          const next = (r.doc as { '@odata.nextLink'?: unknown })['@odata.nextLink'];
          url = typeof next === 'string' && next ? next : null;
          if (url && !sameOrigin(url, graphBase))
            throw new ContentError(`@odata.nextLink leaves ${graphBase}`);
        }
        writeFileAtomic(
          path.join(staging, file),
          pages.length === 1
            ? pages[0]!.text
            : JSON.stringify(
                mergePages(
                  pages.map((x) => x.doc),
                  'value',
                  ['@odata.nextLink'],
                ),
                null,
                1,
              ),
        );
      });
    }
    // The customer's folder appears in the drop whole, or not at all.
    mkdirSync(tenantDir, { recursive: true });
    rmSync(path.join(tenantDir, c.tenantId), { recursive: true, force: true });
    renameSync(staging, path.join(tenantDir, c.tenantId));
  }

  async function downloadReport(auth: Record<string, string>, file: string): Promise<void> {
    const url = `${graphBase}/v1.0/reports/getOffice365ActiveUserDetail(period='D30')`;
    await withRetries(policy, async (signal) => {
      const res = await fetch(url, { headers: auth, redirect: 'manual', signal });
      const text = res.status === 302 ? '' : await res.text();
      if (res.status !== 302) {
        if (res.status === 200)
          throw new ContentError('the report came back without its redirect to the download');
        throw new CallError(
          `HTTP ${res.status}`,
          res.status,
          text.slice(0, 2000),
          res.headers.get('retry-after'),
        );
      }
      await res.body?.cancel();
      const location = res.headers.get('location');
      const problem = downloadTargetProblem(location, url, config.collect.downloadHosts);
      if (problem) throw new ContentError(problem);
      // The link is pre-authenticated: it gets no Authorization header, and no other header of ours either.
      result.calls++;
      const dl = await fetch(new URL(location!, url), { redirect: 'error', signal });
      if (dl.status !== 200) {
        await dl.body?.cancel();
        throw new CallError(
          `download HTTP ${dl.status}`,
          dl.status === 404 || dl.status === 403 ? 503 : dl.status,
          '',
          dl.headers.get('retry-after'),
        );
      }
      await streamToFile(dl, file, signal);
    });
  }

  async function streamToFile(
    res: Response,
    file: string,
    signal: AbortSignal,
    required: readonly string[] = REQUIRED_REPORT_COLUMNS,
  ): Promise<void> {
    const announced = res.headers.get('content-length');
    const cap = config.collect.maxDownloadBytes;
    if (announced !== null && Number(announced) > cap)
      throw new ContentError(
        `the download announces ${announced} bytes, over collect.maxDownloadBytes (${cap})`,
      );
    const tmp = `${file}.tmp`;
    let bytes = 0;
    const head: Buffer[] = [];
    let headBytes = 0;
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (headBytes < 65536) {
        head.push(chunk);
        headBytes += chunk.length;
      }
      if (bytes > cap)
        body.destroy(new ContentError(`the download is larger than collect.maxDownloadBytes (${cap})`));
    });
    try {
      await pipeline(body, createWriteStream(tmp), { signal });
    } catch (err) {
      rmSync(tmp, { force: true });
      if (err instanceof ContentError) throw err;
      if (announced !== null && bytes < Number(announced) && !signal.aborted)
        throw new ContentError(`the download stopped after ${bytes} of the ${announced} bytes announced`);
      throw err;
    }
    if (announced !== null && bytes !== Number(announced)) {
      rmSync(tmp, { force: true });
      throw new ContentError(`the download is ${bytes} bytes but ${announced} were announced`);
    }
    const firstLine =
      Buffer.concat(head)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0] ?? '';
    const columns = firstLine.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
    const missing = required.filter((c) => !columns.includes(c));
    if (missing.length) {
      rmSync(tmp, { force: true });
      throw new ContentError(
        `the CSV header lacks ${missing.map((m) => `"${m}"`).join(', ')} (a different report, or an error page)`,
      );
    }
    renameSync(tmp, file);
  }

  async function collectPartnerCenter(c: ListedCustomer): Promise<void> {
    const url = `${pcBase}/v1/customers/${encodeURIComponent(c.id)}/subscriptions`;
    const r = await step('pcSubscriptions', async () => getJson(url, await pcHeaders(), policy));
    const items = (r.doc as { items?: unknown }).items;
    if (!Array.isArray(items)) throw new FailedCall('pcSubscriptions', new ContentError('no "items" list'));
    // Partner Center's Subscription carries no customer id; the drop's merged document needs one per item.
    const withCustomer = (items as Record<string, unknown>[]).map((item) =>
      'customerId' in item ? item : { id: item.id, customerId: c.id, ...item },
    );
    writeJsonAtomic(path.join(p.work, 'pc', `${c.id.toLowerCase()}.json`), withCustomer);
  }

  // 4. The night's merged files, then manifest.json last.
  finalize(p, customers, assignments, result);
  return finish();
}

/** Wraps a step's error with the call it was, so that the failure names the right role. */
class FailedCall extends Error {
  constructor(
    readonly call: CallKind,
    override readonly cause: unknown,
  ) {
    super(`${call} failed`);
  }
}

async function step<T>(call: CallKind, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TokenError || err instanceof NightFailed || err instanceof FailedCall) throw err;
    throw new FailedCall(call, err);
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function finalize(
  p: Paths,
  customers: ListedCustomer[],
  assignments: Map<string, AssignmentRow>,
  result: CollectResult,
): void {
  const { rows, unassigned } = customerRows(customers, assignments);
  result.unassigned = unassigned;
  writeFileAtomic(
    path.join(p.drop, 'customers.csv'),
    csvLines(['customer_id', 'customer_name', 'owner_email', 'locale', 'segment'], rows, '\n'),
  );
  const pcDir = path.join(p.work, 'pc');
  const items: unknown[] = [];
  for (const c of customers) {
    const kept = readJsonFile<unknown[]>(path.join(pcDir, `${c.id.toLowerCase()}.json`));
    if (kept) items.push(...kept);
  }
  if (existsSync(pcDir))
    writeFileAtomic(
      path.join(p.drop, 'partner-center', 'subscriptions.json'),
      JSON.stringify({ totalCount: items.length, items, attributes: { objectType: 'Collection' } }, null, 1),
    );
  for (const name of ['licenses-deployment.json', 'licenses-usage.json']) {
    const kept = path.join(p.work, name);
    if (existsSync(kept)) writeFileAtomic(path.join(p.drop, 'partner-center', name), readFileSync(kept));
  }
  const priceDir = path.join(
    path.dirname(p.work),
    'prices',
    path.basename(p.drop).replace(/-/g, '').slice(0, 6),
  );
  for (const name of existsSync(priceDir)
    ? readdirSync(priceDir)
        .filter((n) => !n.endsWith('.tmp'))
        .sort()
    : [])
    writeFileAtomic(path.join(p.drop, 'partner-center', name), readFileSync(path.join(priceDir, name)));
  const failDir = path.join(p.work, 'failures');
  const failures = (existsSync(failDir) ? readdirSync(failDir).sort() : [])
    .map((n) => readJsonFile<RecordedFailure>(path.join(failDir, n)))
    .filter((f): f is RecordedFailure => f !== undefined)
    .sort(
      (a, b) =>
        a.tenantId.localeCompare(b.tenantId) || a.unit.localeCompare(b.unit) || a.code.localeCompare(b.code),
    );
  result.failures = failures;
  writeJsonAtomic(path.join(p.drop, COLLECT_REPORT), {
    date: path.basename(p.drop),
    customers: customers.length,
    notCollected: failures,
    unassigned: unassigned.map((c) => ({ customerId: c.id, tenantId: c.tenantId, customerName: c.name })),
  });
  writeCollectManifest(p.drop);
}

/** manifest.json over every file of the drop, sorted by path, each streamed once for its sha256 and row count. */
export function writeCollectManifest(dropDir: string): void {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) files.push(path.relative(dropDir, abs).split(path.sep).join('/'));
    }
  };
  walk(dropDir);
  const entries = files
    .filter((f) => f !== 'manifest.json')
    .sort()
    .map((rel) => {
      const abs = path.join(dropDir, rel);
      const hash = createHash('sha256');
      // Price lists carry no row count: the typographic quote closing their last header misleads a CSV counter.
      const counter =
        rel.endsWith('.csv') && !rel.startsWith('partner-center/') ? new CsvRecordCounter() : undefined;
      const fd = openSync(abs, 'r');
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
      return {
        path: rel,
        bytes,
        sha256: hash.digest('hex'),
        ...(counter ? { rows: counter.dataRows() } : {}),
      };
    });
  writeFileAtomic(path.join(dropDir, 'manifest.json'), JSON.stringify({ files: entries }, null, 1));
}

// One customer's Graph unit: the token exchanged at the customer's own tenant, then the usage report (a 302 to a
// download host, fetched with no token), the Copilot usage report, subscribedSkus and directory/subscriptions,
// written to a staging folder that is renamed into the drop whole, so that the tenant's folder is there complete
// or not at all.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../deliver/files.js';
import { GRAPH_SCOPE } from './auth.js';
import { step } from './callErrors.js';
import { streamToFile } from './download.js';
import { CallError, ContentError, downloadTargetProblem, withRetries } from './http.js';
import type { Night } from './night.js';
import { fetchAllPages, listFileText } from './pages.js';
import type { ListedCustomer } from './plan.js';

const REPORT_FILE = 'office365ActiveUserDetail.csv';
const COPILOT_FILE = 'copilotUsageUserDetail.csv';
/** Columns the job reads from the user report: a download without them is not the report. */
const REQUIRED_REPORT_COLUMNS = ['report refresh date', 'user principal name', 'assigned products'];
const REQUIRED_COPILOT_COLUMNS = ['report refresh date', 'user principal name'];
const REPORT_PATH = "/v1.0/reports/getOffice365ActiveUserDetail(period='D30')";
/** The Copilot usage report (microsoft-apis.md §5.1): v1.0 answers 200 with the CSV itself, no redirect. */
const COPILOT_REPORT_PATH = "/v1.0/copilot/reports/getMicrosoft365CopilotUsageUserDetail(period='D30')";
const GRAPH_LISTS = [
  ['subscribedSkus', '/v1.0/subscribedSkus', 'subscribedSkus.json'],
  ['subscriptions', '/v1.0/directory/subscriptions', 'subscriptions.json'],
] as const;

type Headers = Record<string, string>;

/** A status the call cannot use, with what came back (Retry-After for the retry policy). */
async function statusError(res: Response): Promise<CallError> {
  const text = await res.text();
  return new CallError(`HTTP ${res.status}`, res.status, text.slice(0, 2000), res.headers.get('retry-after'));
}

async function downloadReport(night: Night, auth: Headers, file: string): Promise<void> {
  const { config, policy } = night;
  const url = `${night.graphBase}${REPORT_PATH}`;
  await withRetries(policy, async (signal) => {
    const res = await fetch(url, { headers: auth, redirect: 'manual', signal });
    if (res.status !== 302) {
      if (res.status === 200) {
        await res.text();
        throw new ContentError('the report came back without its redirect to the download');
      }
      throw await statusError(res);
    }
    await res.body?.cancel();
    const location = res.headers.get('location');
    const problem = downloadTargetProblem(location, url, config.collect.downloadHosts);
    if (problem) throw new ContentError(problem);
    // The link is pre-authenticated: it gets no Authorization header, and no other header of ours either.
    night.result.calls++;
    const download = await fetch(new URL(location!, url), { redirect: 'error', signal });
    if (download.status !== 200) {
      await download.body?.cancel();
      throw new CallError(
        `download HTTP ${download.status}`,
        download.status === 404 || download.status === 403 ? 503 : download.status,
        '',
        download.headers.get('retry-after'),
      );
    }
    await streamToFile(download, file, signal, {
      maxBytes: config.collect.maxDownloadBytes,
      required: REQUIRED_REPORT_COLUMNS,
    });
  });
}

async function downloadCopilotReport(night: Night, auth: Headers, file: string): Promise<void> {
  await withRetries(night.policy, async (signal) => {
    const res = await fetch(`${night.graphBase}${COPILOT_REPORT_PATH}`, {
      headers: auth,
      redirect: 'error',
      signal,
    });
    if (res.status !== 200) throw await statusError(res);
    await streamToFile(res, file, signal, {
      maxBytes: night.config.collect.maxDownloadBytes,
      required: REQUIRED_COPILOT_COLUMNS,
    });
  });
}

export async function collectGraph(night: Night, c: ListedCustomer): Promise<void> {
  const token = await night.broker.accessToken(c.tenantId, GRAPH_SCOPE);
  const auth = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const staging = path.join(night.paths.work, 'staging', `${c.tenantId}.partial`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await step('report', () => downloadReport(night, auth, path.join(staging, REPORT_FILE)));
  // Only Copilot licence holders are listed; a tenant without Copilot answers a header only (kept as such).
  await step('copilotReport', () => downloadCopilotReport(night, auth, path.join(staging, COPILOT_FILE)));
  for (const [call, rel, file] of GRAPH_LISTS) {
    await step(call, async () => {
      const pages = await fetchAllPages(`${night.graphBase}${rel}`, async () => auth, night.policy, {
        itemsKey: 'value',
        nextKey: '@odata.nextLink',
        noItems: 'no "value" list',
        base: night.graphBase,
        relativeLinks: false,
      });
      writeFileAtomic(path.join(staging, file), listFileText(pages, 'value', ['@odata.nextLink']));
    });
  }
  // The customer's folder appears in the drop whole, or not at all.
  const tenantDir = night.paths.tenants;
  mkdirSync(tenantDir, { recursive: true });
  rmSync(path.join(tenantDir, c.tenantId), { recursive: true, force: true });
  renameSync(staging, path.join(tenantDir, c.tenantId));
}

// collect-report.json, written into the drop by `collect`: the customers it could not collect (with the reason and
// what the operator must do) and the customers without an account manager. Ingest turns it into data-quality lines.
import type { LoadIssue } from '../ingest/issues.js';

interface ReportDoc {
  notCollected?: {
    customerId?: string;
    tenantId?: string;
    customerName?: string;
    unit?: string;
    code?: string;
    reason?: string;
    action?: string;
  }[];
  unassigned?: { tenantId?: string; customerName?: string }[];
}

const UNIT_WORDS: Record<string, string> = {
  graph: 'Graph usage report and licences',
  pc: 'Partner Center subscriptions',
  analytics: 'Partner Center licence analytics',
};

/** Pure: the data-quality lines a collect report stands for. */
export function collectReportIssues(json: unknown, file: string, fallbackRecipient: string): LoadIssue[] {
  const doc = (json ?? {}) as ReportDoc;
  const issues: LoadIssue[] = [];
  for (const f of Array.isArray(doc.notCollected) ? doc.notCollected : []) {
    const tenant = String(f.tenantId ?? '').toLowerCase();
    issues.push({
      severity: 'warning',
      code: 'not_collected',
      file,
      customerId: f.unit === 'analytics' ? undefined : tenant || undefined,
      message: `${String(f.customerName ?? tenant)}: ${UNIT_WORDS[String(f.unit)] ?? String(f.unit)} not collected: ${String(f.reason ?? '')}. To do: ${String(f.action ?? '')}`,
    });
  }
  for (const u of Array.isArray(doc.unassigned) ? doc.unassigned : []) {
    const tenant = String(u.tenantId ?? '').toLowerCase();
    issues.push({
      severity: 'warning',
      code: 'no_account_manager',
      file,
      customerId: tenant || undefined,
      message: `${String(u.customerName ?? tenant)} has no row in the assignment file (collect.assignments); its digest goes to ${fallbackRecipient}`,
    });
  }
  return issues;
}

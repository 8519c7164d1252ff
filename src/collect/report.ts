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
  const warning = (code: string, customerId: string | undefined, message: string): LoadIssue => ({
    severity: 'warning',
    code,
    file,
    customerId,
    message,
  });
  const notCollected = (Array.isArray(doc.notCollected) ? doc.notCollected : []).map((f) => {
    const tenant = String(f.tenantId ?? '').toLowerCase();
    return warning(
      'not_collected',
      // Partner-level analytics are nobody's customer: the line goes to the partner's own list.
      f.unit === 'analytics' ? undefined : tenant || undefined,
      `${String(f.customerName ?? tenant)}: ${UNIT_WORDS[String(f.unit)] ?? String(f.unit)} not collected: ${String(f.reason ?? '')}. To do: ${String(f.action ?? '')}`,
    );
  });
  const unassigned = (Array.isArray(doc.unassigned) ? doc.unassigned : []).map((u) => {
    const tenant = String(u.tenantId ?? '').toLowerCase();
    return warning(
      'no_account_manager',
      tenant || undefined,
      `${String(u.customerName ?? tenant)} has no row in the assignment file (collect.assignments); its digest goes to ${fallbackRecipient}`,
    );
  });
  return [...notCollected, ...unassigned];
}

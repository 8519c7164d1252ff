// Figures put into words for people. Pure.

export interface OverCapacityCounts {
  usage_pct: number | null;
  active_deleted: number | null;
  active_over_capacity: number | null;
  over_capacity_cause: string | null;
  active_yammer_only: number | null;
}

const CAUSE_WORDS: Record<string, string> = {
  trial: 'on a trial subscription, which is not counted in the entitlements',
  uncounted_subscription:
    'on a second subscription in grace, suspended, disabled or de-provisioned, which is not counted',
  unexplained: 'with no subscription that explains it',
};

/** Why Usage % exceeds 100% (DESIGN.md §1.2): every non-zero cause, in words; '' when there is nothing to say. */
export function overCapacityCauses(r: OverCapacityCounts): string {
  const parts: string[] = [];
  if ((r.active_deleted ?? 0) > 0)
    parts.push(
      `${r.active_deleted} active user(s) since deleted (turnover: the licence moved to a new user)`,
    );
  if ((r.active_over_capacity ?? 0) > 0) {
    parts.push(
      `${r.active_over_capacity} active beyond the entitlements ${CAUSE_WORDS[r.over_capacity_cause ?? 'unexplained'] ?? ''}`.trim(),
    );
  }
  if ((r.active_yammer_only ?? 0) > 0) parts.push(`${r.active_yammer_only} active on Yammer only`);
  const over = r.usage_pct !== null && r.usage_pct > 1;
  if (!over && (r.active_over_capacity ?? 0) === 0) return '';
  return parts.join('; ');
}

export const USAGE_BASIS_WORDS: Record<string, string> = {
  any_workload: 'users active on any workload (Graph)',
  busiest_workload_lower_bound: 'busiest workload (Partner Center aggregates; a lower bound)',
  partner_center:
    "Partner Center analytics, busiest workload (a lower bound): Graph's user report has no activity for this product",
  not_measurable: 'not measurable: no source in the exports measures its usage',
};

/** What a usage cell shows for a product no source measures: words, never a 0% that reads as "nobody uses it". */
export const NOT_MEASURABLE = 'not measurable';

/** The definitions sheet and the e-mail footnotes: DESIGN.md §1 in plain words. */
export const DEFINITIONS: { term: string; definition: string }[] = [
  {
    term: 'Entitlement',
    definition:
      'A licence a user is entitled to use: its subscription is not suspended for fraud or non-payment, not upgraded to another licence, not cancelled. Counted here as the smaller of licences assigned and licences sold.',
  },
  {
    term: 'Active',
    definition:
      "The user used the product for a task in the last 28 calendar days: some workload of the product has a last-activity date from 27 days before the data's as-of date up to that date, both included. The as-of date is the date the data is as of (Graph's Report Refresh Date), not the day the report was made.",
  },
  {
    term: 'Licences sold',
    definition:
      'Units of active, paid subscriptions, from every channel: a customer may also buy from other partners or directly from Microsoft. "Sold by you" is the part of it bought through you.',
  },
  { term: 'Licences assigned', definition: 'Users, not deleted, who hold the product.' },
  {
    term: 'Deployment %',
    definition: 'Licences assigned ÷ licences sold. Below 100%: licences bought but not given to anyone.',
  },
  {
    term: 'Usage %',
    definition:
      'Active entitlements ÷ entitlements. Deleted users who were active still count as active, as in Partner Center.',
  },
  {
    term: 'Usage % (adjusted)',
    definition:
      'Active users who are not deleted, capped at the entitlements, ÷ entitlements: never above 100%.',
  },
  {
    term: 'Why Usage % can exceed 100%',
    definition:
      'Partner Center lists four causes, and this report counts each: employee turnover (the licence moved to a new user and both were active); a second subscription for the product in grace, disabled or de-provisioned (both register activity, only one is counted); a trial subscription (its activity counts, the trial is not counted in the entitlements); Yammer used beyond the licence.',
  },
  { term: 'Unassigned', definition: 'Licences sold but not assigned: greatest(sold − assigned, 0).' },
  {
    term: 'Inactive',
    definition:
      'Licence holders, not deleted, with no activity in the 28-day window: candidates to reclaim or to train.',
  },
  {
    term: 'Workloads',
    definition:
      'Exchange, SharePoint (OneDrive counts as SharePoint), Teams, Skype for Business, Yammer. Yammer counts only for products that include it. Dynamics 365 and Office apps activity is not in the Graph Office 365 report.',
  },
  {
    term: 'Sources',
    definition:
      'Graph usage reports (user level) are preferred; a customer known only through Partner Center analytics uses licensesDeployed ÷ licensesSold and, for usage, its busiest workload (a lower bound). Free and viral SKUs (such as Power BI (free)) are ignored.',
  },
  {
    term: 'Weeks',
    definition:
      'Each week is shown by its last snapshot. A week without data is a gap, never a zero; week-over-week changes are in percentage points.',
  },
];

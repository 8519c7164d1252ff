// DESIGN.md §1.4: every source's subscription status mapped onto one vocabulary.

export type SubscriptionStatus = 'active' | 'grace' | 'suspended' | 'disabled' | 'deprovisioned' | 'pending';

const PARTNER_CENTER: Record<string, SubscriptionStatus> = {
  active: 'active',
  expired: 'grace',
  suspended: 'suspended',
  disabled: 'disabled',
  deleted: 'deprovisioned',
  pending: 'pending',
  none: 'pending',
  // Partner Center analytics spells them in upper case.
  deprovisioned: 'deprovisioned',
};

const GRAPH: Record<string, SubscriptionStatus> = {
  enabled: 'active',
  warning: 'grace',
  suspended: 'disabled',
  deleted: 'deprovisioned',
  lockedout: 'deprovisioned',
};

export function normalisePartnerCenterStatus(raw: string): SubscriptionStatus | undefined {
  return PARTNER_CENTER[raw.trim().toLowerCase()];
}

export function normaliseGraphStatus(raw: string): SubscriptionStatus | undefined {
  return GRAPH[raw.trim().toLowerCase()];
}

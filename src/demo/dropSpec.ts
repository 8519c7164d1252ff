// The shapes of a drop as tests and the demo describe it (DropSpec): Graph's users and subscriptions, Partner
// Center's subscriptions and analytics, the partner's customer list and tickets. renderDrop.ts turns them into
// Microsoft's file formats.
import type { CopilotApp } from '../config/schema.js';

export interface GraphUser {
  upn: string;
  displayName?: string;
  isDeleted?: boolean;
  deletedDate?: string;
  exchange?: string;
  onedrive?: string;
  sharepoint?: string;
  skype?: string;
  yammer?: string;
  teams?: string;
  assignDate?: string;
  products: string[]; // upper-case display names
}

export interface CompanySubscription {
  id: string;
  skuId: string;
  skuPartNumber: string;
  status: 'Enabled' | 'Warning' | 'Suspended' | 'Deleted' | 'LockedOut';
  isTrial: boolean;
  totalLicenses: number;
  ownerTenantId: string;
  commerceSubscriptionId?: string;
  createdDateTime?: string;
  nextLifecycleDateTime?: string;
}

export interface PartnerCenterSubscription {
  id: string;
  customerId: string;
  offerId: string;
  offerName: string;
  quantity: number;
  status: 'active' | 'expired' | 'suspended' | 'disabled' | 'deleted' | 'pending' | 'none';
  isTrial: boolean;
  commitmentEndDate?: string;
  // Licence spend (licence-spend.md §4.1)
  termDuration?: string;
  billingCycle?: string;
  effectiveStartDate?: string;
  autoRenewEnabled?: boolean;
  refundableQuantity?: {
    totalQuantity: number;
    details: { quantity: number; allowedUntilDateTime: string }[];
  };
  scheduledNextTermInstructions?: Record<string, unknown>;
}

/** One row of Partner Center's NCE licence-based price list (licence-spend.md §2.1), as text. */
export interface PriceSheetRow {
  ProductTitle: string;
  ProductId: string;
  SkuId: string;
  SkuTitle: string;
  TermDuration: string;
  BillingPlan: string;
  Market: string;
  Currency: string;
  UnitPrice: string;
  EffectiveStartDate: string;
  EffectiveEndDate: string;
  Tags?: string;
  ErpPrice?: string;
}

/** A user of Graph's Microsoft 365 Copilot usage report: last-activity dates, any app and per app. */
export interface CopilotUser {
  upn: string;
  last?: string;
  apps?: Partial<Record<CopilotApp, string>>;
  prompts?: number;
}

/** The Copilot usage report of a tenant: its own refresh date (Copilot data lags), v1 or v2 layout. */
export interface CopilotReport {
  refreshDate: string;
  layout: 'v1' | 'v2';
  users: CopilotUser[];
}

export interface TenantDrop {
  tenantId: string;
  refreshDate: string;
  users?: GraphUser[];
  /** Graph's Copilot usage report; an empty users list writes a header-only file (a tenant without Copilot) */
  copilot?: CopilotReport;
  subscriptions?: CompanySubscription[];
  subscribedSkus?: {
    skuId: string;
    skuPartNumber: string;
    capabilityStatus: string;
    consumedUnits: number;
    enabled: number;
    warning: number;
    suspended: number;
  }[];
}

export interface CustomerRow {
  customer_id: string;
  customer_name: string;
  owner_email: string;
  locale?: string;
  segment?: string;
}

export interface DropSpec {
  customers?: CustomerRow[];
  tickets?: {
    ticket_id: string;
    customer_id: string;
    opened_at: string;
    category: string;
    product?: string;
  }[];
  tenants: TenantDrop[];
  pcSubscriptions?: PartnerCenterSubscription[];
  pcDeployment?: Record<string, unknown>[];
  pcUsage?: Record<string, unknown>[];
  /** partner-center/ files written as given (price list, offer matrix, or a broken file for a test), by name */
  partnerCenterFiles?: Record<string, string | Uint8Array>;
}

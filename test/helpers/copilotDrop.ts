// The Copilot fixture (DESIGN.md §1.6) several tests load: four tenants with hand-worked dates (a v1 report, a v2
// report with concealed names, a Copilot SKU without a report, a tenant without Copilot), and the values the tests
// check them against.
import { createHash } from 'node:crypto';
import type { DropSpec } from '../../src/demo/writeDrop.js';
import { PARTNER } from './context.js';

export const COPILOT_DATE = '2026-11-23';
export const OFFICE_AS_OF = '2026-11-22';
export const COPILOT_AS_OF = '2026-11-20'; // window 2026-10-24 … 2026-11-20
export const C = {
  v1: 'c1000000-0000-4000-8000-000000000001',
  v2: 'c1000000-0000-4000-8000-000000000002',
  noReport: 'c1000000-0000-4000-8000-000000000003',
  none: 'c1000000-0000-4000-8000-000000000004',
};
export const COPILOT = '639dec6b-bb19-468b-871c-c5c441c4b0cb';
export const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';
const both = ['MICROSOFT 365 E3', 'MICROSOFT 365 COPILOT'];
export const md5 = (s: string) => createHash('md5').update(s).digest('hex').toUpperCase();

export function copilotDrop(): DropSpec {
  const sub = (id: string, skuId: string, part: string, n: number) => ({
    id,
    skuId,
    skuPartNumber: part,
    status: 'Enabled' as const,
    isTrial: false,
    totalLicenses: n,
    ownerTenantId: PARTNER,
  });
  return {
    customers: [
      { customer_id: C.v1, customer_name: 'Copilot One Ltd', owner_email: 'am@partner.example' },
      { customer_id: C.v2, customer_name: 'Copilot Two Ltd', owner_email: 'am@partner.example' },
      { customer_id: C.noReport, customer_name: 'No Report Ltd', owner_email: 'am@partner.example' },
      { customer_id: C.none, customer_name: 'No Copilot Ltd', owner_email: 'am@partner.example' },
    ],
    tenants: [
      {
        tenantId: C.v1,
        refreshDate: OFFICE_AS_OF,
        users: ['h1', 'h2', 'h3', 'h4', 'h5'].map((h) => ({
          upn: `${h}@one.example`,
          products: both,
          exchange: '2026-11-21',
        })),
        subscriptions: [
          sub('c2000000-0000-4000-8000-000000000001', E3, 'SPE_E3', 5),
          sub('c2000000-0000-4000-8000-000000000002', COPILOT, 'Microsoft_365_Copilot', 6),
        ],
        copilot: {
          refreshDate: COPILOT_AS_OF,
          layout: 'v1',
          users: [
            { upn: 'h1@one.example', last: '2026-10-24', apps: { copilot_word: '2026-10-24' } }, // the window's first day
            { upn: 'h2@one.example', last: '2026-10-23', apps: { copilot_excel: '2026-10-23' } }, // the day before
            // after the Copilot report's own as-of date (though before the Office report's): outside the window
            { upn: 'h3@one.example', last: '2026-11-21', apps: { copilot_word: '2026-11-21' } },
            // h4 holds Copilot and is missing from the report: inactive
            {
              upn: 'h5@one.example',
              last: '2026-11-15',
              apps: { copilot_teams: '2026-11-15', copilot_chat: '2026-11-10' },
            },
          ],
        },
      },
      {
        tenantId: C.v2,
        refreshDate: OFFICE_AS_OF,
        // Concealed names: the same MD5 in both reports.
        users: ['k1', 'k2', 'k3'].map((k) => ({
          upn: md5(`${k}@two.example`),
          products: ['MICROSOFT 365 COPILOT'],
        })),
        subscriptions: [sub('c2000000-0000-4000-8000-000000000003', COPILOT, 'Microsoft_365_Copilot', 3)],
        copilot: {
          refreshDate: COPILOT_AS_OF,
          layout: 'v2',
          users: [
            {
              upn: md5('k1@two.example'),
              last: '2026-11-19',
              apps: { copilot_chat_work: '2026-11-19' },
              prompts: 12,
            },
            {
              upn: md5('k2@two.example'),
              last: '2026-11-02',
              apps: { copilot_m365_app: '2026-11-01', copilot_agent: '2026-11-02' },
            },
            { upn: md5('k3@two.example') },
          ],
        },
      },
      {
        tenantId: C.noReport,
        refreshDate: OFFICE_AS_OF,
        users: [{ upn: 'n1@three.example', products: both, exchange: '2026-11-20' }],
        subscriptions: [
          sub('c2000000-0000-4000-8000-000000000004', E3, 'SPE_E3', 1),
          sub('c2000000-0000-4000-8000-000000000005', COPILOT, 'Microsoft_365_Copilot', 1),
        ],
      },
      {
        tenantId: C.none,
        refreshDate: OFFICE_AS_OF,
        // Ten seats of Microsoft 365, all used, and no Copilot: ready for Copilot.
        users: Array.from({ length: 10 }, (_, i) => ({
          upn: `z${i}@four.example`,
          products: ['MICROSOFT 365 E3'],
          teams: '2026-11-20',
        })),
        subscriptions: [sub('c2000000-0000-4000-8000-000000000006', E3, 'SPE_E3', 10)],
        copilot: { refreshDate: COPILOT_AS_OF, layout: 'v1', users: [] }, // a tenant with no Copilot: header only
      },
    ],
  };
}

// What the demo portfolio is made of: the products partners sell (with the workloads their licences carry), the
// customers' names, the account managers and their languages, and how likely each workload is to be used.
import { COPILOT_SKU } from './copilotDemo.js';

export interface DemoProduct {
  skuId: string;
  part: string;
  name: string; // as Graph prints it in Assigned Products
  offer: string; // as Partner Center prints the offer
  workloads: ('exchange' | 'sharepoint' | 'skype' | 'teams' | 'yammer' | 'dynamics')[];
}

/** The workloads of a full Microsoft 365 or Office 365 suite. */
const SUITE_WORKLOADS = ['exchange', 'sharepoint', 'teams', 'skype', 'yammer'] as DemoProduct['workloads'];
export const PRODUCTS: DemoProduct[] = [
  {
    skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
    part: 'SPE_E3',
    name: 'MICROSOFT 365 E3',
    offer: 'Microsoft 365 E3',
    workloads: SUITE_WORKLOADS,
  },
  {
    skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
    part: 'SPE_E5',
    name: 'MICROSOFT 365 E5',
    offer: 'Microsoft 365 E5',
    workloads: SUITE_WORKLOADS,
  },
  {
    skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
    part: 'O365_BUSINESS_PREMIUM',
    name: 'MICROSOFT 365 BUSINESS STANDARD',
    offer: 'Microsoft 365 Business Standard',
    workloads: SUITE_WORKLOADS,
  },
  {
    skuId: '3b555118-da6a-4418-894f-7df1e2096870',
    part: 'O365_BUSINESS_ESSENTIALS',
    name: 'MICROSOFT 365 BUSINESS BASIC',
    offer: 'Microsoft 365 Business Basic',
    workloads: SUITE_WORKLOADS,
  },
  {
    skuId: 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46',
    part: 'SPB',
    name: 'MICROSOFT 365 BUSINESS PREMIUM',
    offer: 'Microsoft 365 Business Premium',
    workloads: SUITE_WORKLOADS,
  },
  {
    skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
    part: 'ENTERPRISEPACK',
    name: 'OFFICE 365 E3',
    offer: 'Office 365 E3',
    workloads: SUITE_WORKLOADS,
  },
  {
    skuId: '4b9405b0-7788-4568-add1-99614e613b69',
    part: 'EXCHANGESTANDARD',
    name: 'EXCHANGE ONLINE (PLAN 1)',
    offer: 'Exchange Online (Plan 1)',
    workloads: ['exchange'],
  },
  {
    skuId: 'c2273bd0-dff7-4215-9ef5-2c7bcfb06425',
    part: 'OFFICESUBSCRIPTION',
    name: 'MICROSOFT 365 APPS FOR ENTERPRISE',
    offer: 'Microsoft 365 Apps for enterprise',
    workloads: ['sharepoint'],
  },
  {
    skuId: '1e1a282c-9c54-43a2-9310-98ef728faace',
    part: 'DYN365_ENTERPRISE_SALES',
    name: 'DYNAMICS 365 FOR SALES ENTERPRISE EDITION',
    offer: 'Dynamics 365 Sales Enterprise Edition',
    workloads: ['dynamics'],
  },
];
export const E5 = PRODUCTS[1]!;
// Copilot's activity is its own report's, simulated in copilotDemo.ts: no Office workload here.
export const COPILOT: DemoProduct = { ...COPILOT_SKU, workloads: [] };
export const FREE_POWER_BI = 'POWER BI (FREE)';

export const NAMES = [
  'Fabrikam',
  'Northwind Traders',
  'Tailspin Toys',
  'Wingtip Toys',
  'Adventure Works',
  'Litware',
  'Proseware',
  'Woodgrove Bank',
  'Alpine Ski House',
  'Coho Winery',
  'Fourth Coffee',
  'Lamna Healthcare',
  "Margie's Travel",
  'Trey Research',
  'Wide World Importers',
  'Blue Yonder Airlines',
  'City Power & Light',
  'Graphic Design Institute',
  'Humongous Insurance',
  'Lucerne Publishing',
  'Relecloud',
  'Southridge Video',
  'VanArsdel',
  'A. Datum',
  'Consolidated Messenger',
  'Bellows College',
  'Best For You Organics',
  "Munson's Pickles",
  'Nod Publishers',
  'Olympia',
  'School of Fine Art',
  'The Phone Company',
  'Contoso Pharmaceuticals',
  'Datum Logistics',
  'Fincher Architects',
  'Hexa Robotics',
  'Kinetic Foods',
  'Liberty Delightful',
  'Pyramid Dental',
  'Quantum Sails',
  'Redmond Cycles',
  'Sunrise Clinics',
];
export const SUFFIXES = ['Ltd', 'GmbH', 'Inc.', 'S.A.', 'plc', 'Pty Ltd', 'Co.'];
const OWNERS = [
  ['alex.wilber', 'en'],
  ['megan.bowen', 'en'],
  ['lee.gu', 'zh-CN'],
  ['nestor.wilke', 'en'],
  ['isaiah.langer', 'en'],
  ['lidia.holloway', 'en'],
  ['wang.fang', 'zh-CN'],
  ['joni.sherman', 'en'],
];
/** The demo's account managers as config describes them (config recipients): name, locale, time zone. */
export function demoAccountManagers(
  owners: number,
): { email: string; name: string; locale: 'en' | 'zh-CN'; timeZone: string }[] {
  return Array.from({ length: owners }, (_, i) => {
    const [handle, locale] = OWNERS[i % OWNERS.length]!;
    const name = handle!
      .split('.')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' ');
    return {
      email: `${handle}${i >= OWNERS.length ? i : ''}@contoso-partner.example`,
      name,
      locale: locale as 'en' | 'zh-CN',
      timeZone: locale === 'zh-CN' ? 'Asia/Shanghai' : 'Europe/London',
    };
  });
}
export const TICKET_CATEGORIES = ['How-to', 'How-to', 'Incident', 'Service request', 'Question'];
export const WORKLOAD_LIKELIHOOD: Record<string, number> = {
  exchange: 0.85,
  teams: 0.7,
  sharepoint: 0.45,
  skype: 0.04,
  yammer: 0.05,
  dynamics: 0.5,
};

/** Partner Center's analytics name workloads by these codes. */
export const WORKLOAD_CODES: Record<DemoProduct['workloads'][number], string> = {
  exchange: 'EXO',
  sharepoint: 'SPO',
  skype: 'SFB',
  teams: 'TEAMS',
  yammer: 'YAM',
  dynamics: 'CRM',
};

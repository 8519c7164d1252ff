// Microsoft 365 Copilot in the demo portfolio: a few customers hold Copilot seats in the states an account manager
// meets (seats bought and not assigned, seats barely used, one app never used, heavy users), and each tenant's
// Copilot usage report is written as Graph serves it (v1, or v2 for one tenant), its data two days behind the Office
// report's. Its own random stream, so that the rest of the demo is the same with or without it.
import type { CopilotApp } from '../config/schema.js';
import { addDays } from '../dates.js';
import type { CopilotReport } from './dropSpec.js';
import { COPILOT_V1_APPS, COPILOT_V2_APPS } from './reportCsv.js';

export const COPILOT_SKU = {
  skuId: '639dec6b-bb19-468b-871c-c5c441c4b0cb',
  part: 'Microsoft_365_Copilot',
  name: 'MICROSOFT 365 COPILOT',
  offer: 'Microsoft 365 Copilot',
};

const V1_APPS: CopilotApp[] = COPILOT_V1_APPS.map(([app]) => app);
const V2_APPS: CopilotApp[] = COPILOT_V2_APPS.map(([app]) => app);
const APP_LIKELIHOOD: Partial<Record<CopilotApp, number>> = {
  copilot_chat: 0.5,
  copilot_teams: 0.45,
  copilot_outlook: 0.4,
  copilot_word: 0.3,
  copilot_powerpoint: 0.15,
  copilot_excel: 0.15,
  copilot_onenote: 0.05,
  copilot_loop: 0.03,
  copilot_chat_work: 0.4,
  copilot_chat_web: 0.1,
  copilot_m365_app: 0.3,
  copilot_edge: 0.1,
  copilot_agent: 0.05,
};

export type CopilotState = 'heavy' | 'unassigned' | 'low_use' | 'app_gap' | 'steady';
/** The states, in the order Copilot customers get them. */
export const COPILOT_STATES: CopilotState[] = [
  'heavy',
  'unassigned',
  'low_use',
  'app_gap',
  'steady',
  'steady',
];

interface Holder {
  upn: string;
  engagement: number;
  last: Partial<Record<CopilotApp, number>>;
}

export interface CopilotSim {
  state: CopilotState;
  seats: number;
  layout: 'v1' | 'v2';
  holders: Holder[];
}

/** How a customer in each state holds and uses Copilot: seats per holder, how engaged, which app never. */
function shape(state: CopilotState): {
  extraSeats: number;
  holders: number;
  engagement: number;
  never?: CopilotApp;
} {
  switch (state) {
    case 'heavy':
      return { extraSeats: 0, holders: 10, engagement: 0.95 };
    case 'unassigned':
      return { extraSeats: 12, holders: 6, engagement: 0.6 };
    case 'low_use':
      return { extraSeats: 0, holders: 8, engagement: 0.005 };
    case 'app_gap':
      return { extraSeats: 1, holders: 8, engagement: 0.8, never: 'copilot_excel' };
    default:
      return { extraSeats: 2, holders: 6, engagement: 0.5 };
  }
}

/** The Copilot seats of a customer: holders chosen among its licensed users (their UPNs). */
export function planCopilot(state: CopilotState, candidates: string[], rand: () => number): CopilotSim {
  const s = shape(state);
  const holders = candidates.slice(0, s.holders).map((upn) => ({
    upn,
    engagement: Math.min(1, s.engagement * (0.6 + rand() * 0.8)),
    last: {},
  }));
  return { state, seats: holders.length + s.extraSeats, layout: state === 'heavy' ? 'v2' : 'v1', holders };
}

/** One day of Copilot use. */
export function simulateCopilotDay(sim: CopilotSim, t: number, rand: () => number): void {
  const apps = sim.layout === 'v2' ? [...V1_APPS, ...V2_APPS] : V1_APPS;
  const never = shape(sim.state).never;
  for (const h of sim.holders) {
    for (const app of apps) {
      const p = h.engagement * (APP_LIKELIHOOD[app] ?? 0.1) * (sim.state === 'heavy' ? 1.5 : 0.6);
      if (rand() < p && app !== never) h.last[app] = t;
    }
  }
}

/** The tenant's Copilot usage report as of `asOf` (a day index), its dates from `day0`; concealed names as Graph's. */
export function copilotReport(
  sim: CopilotSim | undefined,
  asOf: number,
  day0: string,
  upnOf: (upn: string) => string,
): CopilotReport {
  const copilotAsOf = asOf - 2; // Copilot data arrives up to 72 hours after the day
  const date = (t: number | undefined) => (t === undefined || t > copilotAsOf ? undefined : addDays(day0, t));
  if (!sim) return { refreshDate: addDays(day0, copilotAsOf), layout: 'v1', users: [] };
  return {
    refreshDate: addDays(day0, copilotAsOf),
    layout: sim.layout,
    users: sim.holders.map((h) => {
      const apps = Object.fromEntries(
        Object.entries(h.last)
          .map(([a, t]) => [a, date(t)])
          .filter(([, d]) => d !== undefined),
      ) as Partial<Record<CopilotApp, string>>;
      const seen = Object.values(h.last).filter((t): t is number => t !== undefined && t <= copilotAsOf);
      return {
        upn: upnOf(h.upn),
        last: seen.length ? date(Math.max(...seen)) : undefined,
        apps,
        prompts: seen.length * 3,
      };
    }),
  };
}

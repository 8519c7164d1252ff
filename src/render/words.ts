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
      `${r.active_deleted} active ${r.active_deleted === 1 ? 'user' : 'users'} since deleted (turnover: the licence moved to a new user)`,
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

/** The definitions sheet in Simplified Chinese: the same terms, in the same order, as DEFINITIONS. */
export const DEFINITIONS_ZH: { term: string; definition: string }[] = [
  {
    term: '权利',
    definition:
      '用户有权使用的许可证：其订阅未因欺诈或未付款而暂停、未升级为其他许可证、未取消。此处按已分配许可证数与已售许可证数中较小者计算。',
  },
  {
    term: '活跃',
    definition:
      '用户在过去 28 个日历日内使用该产品完成过任务：该产品的某个工作负载的最后活动日期在数据日期前 27 天到数据日期之间（含两端）。数据日期是数据所截至的日期（Graph 的 Report Refresh Date），而不是生成报告的日期。',
  },
  {
    term: '已售许可证',
    definition:
      '有效付费订阅的单位数，来自所有渠道：客户也可能从其他合作伙伴或直接从 Microsoft 购买。“由您销售”是其中通过您购买的部分。',
  },
  { term: '已分配许可证', definition: '持有该产品且未被删除的用户数。' },
  { term: '部署率', definition: '已分配许可证 ÷ 已售许可证。低于 100%：已购买但未分配给任何人的许可证。' },
  {
    term: '使用率',
    definition: '活跃权利 ÷ 权利。与合作伙伴中心一致，曾活跃的已删除用户仍计为活跃。',
  },
  {
    term: '使用率（调整后）',
    definition: '未被删除的活跃用户（上限为权利数）÷ 权利：永远不超过 100%。',
  },
  {
    term: '使用率为何会超过 100%',
    definition:
      '合作伙伴中心列出四个原因，本报告分别计数：人员变动（许可证转给新用户，新旧用户都活跃过）；同一产品的第二个订阅处于宽限期、已禁用或已取消配置（两者都有活动，只计一个）；试用订阅（其活动计入，但试用不计入权利）；超出许可证范围使用 Yammer。',
  },
  { term: '未分配', definition: '已售但未分配的许可证：greatest(已售 − 已分配, 0)。' },
  {
    term: '非活跃',
    definition: '在 28 天窗口内没有任何活动的、未被删除的许可证持有者：可回收许可证或安排培训的对象。',
  },
  {
    term: '工作负载',
    definition:
      'Exchange、SharePoint（OneDrive 计入 SharePoint）、Teams、Skype for Business、Yammer。Yammer 只对包含它的产品计数。Dynamics 365 和 Office 应用的活动不在 Graph 的 Office 365 报告中。',
  },
  {
    term: '数据来源',
    definition:
      '优先使用 Graph 使用情况报告（用户级）；只有合作伙伴中心分析数据的客户，部署率按 licensesDeployed ÷ licensesSold 计算，使用率取其最繁忙的工作负载（下限）。免费和病毒式 SKU（如 Power BI (free)）不计入。',
  },
  {
    term: '周',
    definition: '每周以其最后一次快照表示。没有数据的周是空白，而不是零；周环比变化以百分点表示。',
  },
];

/** Workloads by their names, never their keys (Copilot's apps: "Copilot in Word"). */
export const WORKLOAD_NAMES: Record<string, { en: string; 'zh-CN': string }> = {
  exchange: { en: 'Exchange', 'zh-CN': 'Exchange' },
  sharepoint: { en: 'SharePoint & OneDrive', 'zh-CN': 'SharePoint 和 OneDrive' },
  teams: { en: 'Teams', 'zh-CN': 'Teams' },
  skype: { en: 'Skype for Business', 'zh-CN': 'Skype for Business' },
  yammer: { en: 'Yammer (Viva Engage)', 'zh-CN': 'Yammer (Viva Engage)' },
  office_apps: { en: 'Office apps', 'zh-CN': 'Office 应用' },
  dynamics: { en: 'Dynamics 365', 'zh-CN': 'Dynamics 365' },
  copilot: { en: 'Microsoft 365 Copilot', 'zh-CN': 'Microsoft 365 Copilot' },
  copilot_chat: { en: 'Copilot Chat', 'zh-CN': 'Copilot Chat' },
  copilot_teams: { en: 'Copilot in Teams', 'zh-CN': 'Teams 中的 Copilot' },
  copilot_word: { en: 'Copilot in Word', 'zh-CN': 'Word 中的 Copilot' },
  copilot_excel: { en: 'Copilot in Excel', 'zh-CN': 'Excel 中的 Copilot' },
  copilot_powerpoint: { en: 'Copilot in PowerPoint', 'zh-CN': 'PowerPoint 中的 Copilot' },
  copilot_outlook: { en: 'Copilot in Outlook', 'zh-CN': 'Outlook 中的 Copilot' },
  copilot_onenote: { en: 'Copilot in OneNote', 'zh-CN': 'OneNote 中的 Copilot' },
  copilot_loop: { en: 'Copilot in Loop', 'zh-CN': 'Loop 中的 Copilot' },
  copilot_chat_work: { en: 'Copilot Chat (work)', 'zh-CN': 'Copilot Chat（工作）' },
  copilot_chat_web: { en: 'Copilot Chat (web)', 'zh-CN': 'Copilot Chat（网页）' },
  copilot_m365_app: { en: 'Microsoft 365 Copilot app', 'zh-CN': 'Microsoft 365 Copilot 应用' },
  copilot_edge: { en: 'Copilot in Edge', 'zh-CN': 'Edge 中的 Copilot' },
  copilot_agent: { en: 'Copilot agents', 'zh-CN': 'Copilot 智能体' },
};

export function workloadName(key: string, locale: 'en' | 'zh-CN' = 'en'): string {
  return WORKLOAD_NAMES[key]?.[locale] ?? key;
}

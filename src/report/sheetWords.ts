// The workbook in its reader's language (issue #20): sheet names, block titles, headers and fixed notes, from the
// English the sheets are written in. Words with no translation stay English (a name, a product). Pure.
import type { Locale } from '../render/email.js';
import { ENGLISH_CONTINUATION, type ContinuationWords, type SheetModel } from '../render/workbook.js';

const ZH: Record<string, string> = {
  // sheets
  Summary: '摘要',
  Customers: '客户',
  Workloads: '工作负载',
  Trend: '趋势',
  'Inactive users': '非活跃用户',
  Copilot: 'Copilot',
  Spend: '支出',
  'Data quality': '数据质量',
  Definitions: '定义',
  // block titles
  Licences: '许可证',
  Rates: '比率',
  'Per customer': '按客户',
  'Per currency': '按币种',
  'Per customer and product': '按客户和产品',
  'Copilot seats and usage, last 12 weeks': '过去 12 周的 Copilot 席位和使用情况',
  'Customers needing attention (below the usage or deployment threshold), most unused licences first':
    '需要关注的客户（使用率或部署率低于阈值），未使用许可证最多的在前',
  // headers
  'Account manager': '客户经理',
  Action: '操作',
  Active: '活跃',
  'Already scheduled off': '已安排削减',
  Assigned: '已分配',
  'Billing plan': '计费方式',
  'Change (points)': '变化（百分点）',
  Change: '变化',
  Column: '列',
  Currency: '币种',
  Customer: '客户',
  'Data as of': '数据截至',
  Data: '数据',
  'Days since': '距今天数',
  'Decide by': '决定截止',
  Definition: '定义',
  'Deployment %': '部署率',
  Drop: '导出日期',
  Entitlements: '权利',
  File: '文件',
  'Inactive change vs last week': '非活跃成本较上周变化',
  'Inactive seats / month': '非活跃席位每月成本',
  'Inactive seats': '非活跃席位',
  Inactive: '非活跃',
  Issue: '问题',
  'Last activity': '最后活动',
  'Last week': '上周',
  Line: '行',
  Measure: '指标',
  'Next renewal': '下次续订',
  Note: '说明',
  'Own seats': '自有席位',
  'Price / month': '每月价格',
  'Priced by': '定价依据',
  Product: '产品',
  Qualified: '符合条件',
  'Reducible at renewal': '续订时可削减',
  'Reducible now until': '现在可削减，截至',
  'Reducible now': '现在可削减',
  'Renewal date': '续订日期',
  'Renewal price / month': '续订每月价格',
  'Saving / month': '每月节省',
  'Seats sold': '已售席位',
  Seats: '席位',
  Severity: '严重程度',
  'Sold (all partners)': '已售（所有合作伙伴）',
  'Sold by you': '由您销售',
  Sold: '已售',
  Source: '来源',
  'Tenant ID': '租户 ID',
  Term: '期限',
  'This week': '本周',
  'Unassigned change vs last week': '未分配成本较上周变化',
  'Unassigned cost / month': '未分配每月成本',
  'Unassigned seats': '未分配席位',
  Unassigned: '未分配',
  'Unused licences': '未使用许可证',
  Unused: '未使用',
  'Unused licences (unassigned + inactive)': '未使用许可证（未分配 + 非活跃）',
  'Usage % (adjusted)': '使用率（调整后）',
  'Usage % (adjusted, ≤ 100%)': '使用率（调整后，≤ 100%）',
  'Usage %': '使用率',
  'Usage measured by': '使用率计算依据',
  User: '用户',
  'Weakest app': '最弱应用',
  'Weakest workload': '最弱工作负载',
  'Week ending': '周截止日',
  'Weeks below threshold': '低于阈值的周数',
  'What happened': '发生了什么',
  'Why usage exceeds 100%': '使用率超过 100% 的原因',
  Workload: '工作负载',
  'Δ deployment (points)': '部署率变化（百分点）',
  'Δ usage (points)': '使用率变化（百分点）',
  'Δ usage adj. (points)': '调整后使用率变化（百分点）',
  Occurrences: '次数',
  Nights: '天数',
  'First seen': '首次出现',
  'Last seen': '最近出现',
  Dates: '日期',
  'First line': '首行',
  'Licences sold': '已售许可证',
  'Licences assigned': '已分配许可证',
  'Active entitlements': '活跃权利',
  // empty blocks and notes
  'No customer is below the thresholds this week.': '本周没有客户低于阈值。',
  'Every licence holder was active.': '每个许可证持有者都处于活跃状态。',
  'Nothing was set aside this week.': '本周没有数据被搁置。',
  'No seats to cut this week.': '本周没有需要削减的席位。',
  'No seats of your own this week.': '本周没有您自己的席位。',
  'No seats of your own with a known price this week.': '本周没有已知价格的自有席位。',
  'No Copilot seats in the last 12 weeks.': '过去 12 周没有 Copilot 席位。',
  'No customer in scope holds Microsoft 365 Copilot this week.':
    '本周范围内没有客户持有 Microsoft 365 Copilot。',
  'Usage % can exceed 100%: see the Definitions sheet. Changes are against the week before, in percentage points for rates.':
    '使用率可能超过 100%：请参阅“定义”工作表。变化与前一周相比，比率的变化以百分点表示。',
  'Licence holders with no activity in the 28 days up to the data\'s as-of date: candidates to reclaim, or to train. A list longer than a sheet holds (1,048,576 rows) goes on on the next sheets: "Inactive users (2)", "Inactive users (3)", …':
    '截至数据日期的 28 天内没有任何活动的许可证持有者：可回收许可证，或安排培训。超过一个工作表容量（1,048,576 行）的列表在后续工作表“非活跃用户 (2)”、“非活跃用户 (3)”……上继续。',
  'What the loads of the week set aside (errors), noticed (warnings), and ignored or missed (info). A repeated issue is one line, with how many times and on which nights.':
    '本周加载时搁置的内容（错误）、注意到的问题（警告）以及忽略或缺失的内容（信息）。重复出现的问题合并为一行，并注明次数和日期。',
  'How the numbers are defined (Partner Center, "Increase adoption and satisfaction").':
    '数字的定义（合作伙伴中心，“提高采用率和满意度”）。',
  'Partner Center documentation': '合作伙伴中心文档',
  weakest: '最弱',
  'not measurable': '无法衡量',
  'Graph (user level)': 'Graph（用户级）',
  'Partner Center (aggregates)': '合作伙伴中心（汇总）',
  'users active on any workload (Graph)': '在任一工作负载上活跃的用户（Graph）',
  'busiest workload (Partner Center aggregates; a lower bound)': '最繁忙的工作负载（合作伙伴中心汇总；下限）',
  "Partner Center analytics, busiest workload (a lower bound): Graph's user report has no activity for this product":
    '合作伙伴中心分析，最繁忙的工作负载（下限）：Graph 的用户报告没有此产品的活动',
  'not measurable: no source in the exports measures its usage':
    '无法衡量：导出数据中没有衡量其使用情况的来源',
  'no data': '无数据',
};

/** One English text in the locale ('' and unknown texts unchanged). */
export function tr(locale: Locale, en: string): string {
  return locale === 'zh-CN' ? (ZH[en] ?? en) : en;
}

/** The sheets with their names, fixed notes, block titles, empty texts and headers in the locale. */
export function localiseSheets(sheets: SheetModel[], locale: Locale): SheetModel[] {
  if (locale === 'en') return sheets;
  return sheets.map((sheet) => ({
    ...sheet,
    name: tr(locale, sheet.name),
    notes: sheet.notes?.map((n) => tr(locale, n)),
    blocks: sheet.blocks.map((b) => ({
      ...b,
      title: b.title === undefined ? undefined : tr(locale, b.title),
      empty: b.empty === undefined ? undefined : tr(locale, b.empty),
      columns: b.columns.map((c) => ({ ...c, header: tr(locale, c.header) })),
    })),
  }));
}

/** What a list too long for one sheet says, at the end of a full sheet and at the top of the next. */
export function continuationWords(locale: Locale): ContinuationWords {
  return locale === 'zh-CN'
    ? {
        continuesOn: '列表在工作表“{sheet}”上继续。',
        continuedFrom: '接续工作表“{sheet}”：一个工作表最多容纳 {limit} 行。',
      }
    : ENGLISH_CONTINUATION;
}

// One recipient's digest as a message: the e-mail rendered in their locale, the trend chart inline, their
// workbook attached (made by the caller: the report job builds it).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { chartFonts } from '../config/fonts.js';
import type { JobContext } from '../context.js';
import type { Outgoing } from '../deliver/mailer.js';
import { trendChartPng } from '../render/chart.js';
import { renderDigestEmail, type DigestTemplates } from '../render/email.js';
import { CHART_CID } from './plan.js';
import type { Recipient } from './recipients.js';
import { buildDigestView, type DigestData } from './view.js';

/** The same id for the same week and recipient: a resent digest is recognisably the same message. */
export function messageIdFor(week: string, recipient: string): string {
  return `<digest-${week}-${createHash('sha256').update(recipient).digest('hex').slice(0, 20)}@adoption-insights>`;
}

export interface MessageParts {
  templates: DigestTemplates;
  data: DigestData;
  reader: Recipient;
  owner: string;
  /** makes the recipient's workbook and returns its file; absent: none attached */
  workbook?: () => Promise<string>;
}

export async function digestMessage(ctx: JobContext, parts: MessageParts): Promise<Outgoing> {
  const { templates, data, reader } = parts;
  const locale = reader.locale;
  const email = renderDigestEmail(templates, buildDigestView(data, locale, templates.strings[locale]));
  const trend = await ctx.wh.allFile('reports/trend', {
    week: data.week,
    owner: parts.owner,
    customer: null,
  });
  const chart = await trendChartPng(
    trend.map((t) => ({
      week: String(t.week_ending),
      series: String(t.series),
      value: (t.usage_pct_adjusted ?? t.usage_pct) as number | null,
    })),
    { title: templates.strings[locale].chartAlt!, width: 606, height: 280, locale, fonts: chartFonts() },
  );
  const attachments: Outgoing['attachments'] = [
    { filename: 'trend.png', content: chart, cid: CHART_CID, contentType: 'image/png' },
  ];
  if (parts.workbook) {
    const file = await parts.workbook();
    attachments.push({ filename: path.basename(file), path: file });
  }
  return {
    from: ctx.config.digest.from,
    to: data.recipient,
    ...(reader.cc.length ? { cc: reader.cc } : {}),
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: messageIdFor(data.week, data.recipient),
    attachments,
  };
}

// The schemas of the two catalogues: the products (SKUs, their workloads and NCE ids) and the content suggested for
// findings. Validated at start-up with the configuration (src/config/load.ts).
import { z } from 'zod';
import { GUID } from '../ingest/values.js';

/** A GUID in any case, kept in lower case (Microsoft's ids are compared without case). */
export const guid = z
  .string()
  .regex(GUID, 'must be a GUID')
  .transform((s) => s.toLowerCase());

export const workloads = [
  'exchange',
  'sharepoint',
  'teams',
  'skype',
  'yammer',
  'office_apps',
  'dynamics',
  'copilot',
] as const;
export type Workload = (typeof workloads)[number];

/**
 * The apps of Microsoft 365 Copilot, as Graph's Copilot usage report gives a last-activity date for each (v1, then
 * the apps v2 adds). They are the "workloads" of a Copilot product in the workload tables, so that the weakest app
 * can be named (DESIGN.md §1.6).
 */
export const COPILOT_APPS = [
  'copilot_chat',
  'copilot_teams',
  'copilot_word',
  'copilot_excel',
  'copilot_powerpoint',
  'copilot_outlook',
  'copilot_onenote',
  'copilot_loop',
  'copilot_chat_work',
  'copilot_chat_web',
  'copilot_m365_app',
  'copilot_edge',
  'copilot_agent',
] as const;
export type CopilotApp = (typeof COPILOT_APPS)[number];
/** The product family of Copilot SKUs in the product catalogue. */
export const COPILOT_FAMILY = 'Microsoft 365 Copilot';

/**
 * Workloads Microsoft has retired (Skype for Business Online, 31 July 2021, DESIGN.md §3): their activity columns
 * are still read and still count as activity, but they are never named as weak, raise no finding, and are left out
 * of workload views.
 */
export const RETIRED_WORKLOADS: readonly Workload[] = ['skype'];

export const productSchema = z
  .object({
    skuId: guid,
    partNumber: z.string().min(1),
    displayName: z.string().min(1),
    family: z.string().min(1),
    aliases: z.array(z.string().min(1)),
    workloads: z.array(z.enum(workloads)),
    excluded: z.boolean().default(false),
    offerIds: z.array(z.string().min(1)).default([]),
    // NCE ProductId/SkuId of the SKU (licence-spend.md §3), for drops without Partner Center's offer matrix.
    // demo: true marks made-up ids used by the demo, never Microsoft's.
    nce: z
      .array(
        z
          .object({
            productId: z.string().regex(/^[A-Za-z0-9]{12}$/, 'must be a 12-character NCE ProductId'),
            skuId: z.string().regex(/^[A-Za-z0-9]{1,4}$/, 'must be an NCE SkuId such as 0001'),
            demo: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const catalogSchema = z
  .object({ $comment: z.string().optional(), products: z.array(productSchema).min(1) })
  .strict()
  .superRefine((cat, ctx) => {
    const seen = new Map<string, number>();
    cat.products.forEach((p, i) => {
      const prev = seen.get(p.skuId);
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['products', i, 'skuId'],
          message: `duplicates products[${prev}].skuId`,
        });
      }
      seen.set(p.skuId, i);
    });
  });

export type Product = z.infer<typeof productSchema>;
export type ProductCatalog = z.infer<typeof catalogSchema>;

export const CONTENT_KINDS = [
  'training',
  'video',
  'case_study',
  'testimonial',
  'tutorial',
  'self_service',
] as const;
export const PROBLEMS = [
  'low_deployment',
  'low_usage',
  'weak_workload',
  'high_how_to',
  'declining',
  'renewal_risk',
  'upsell',
  'usage_over_100',
  // a customer with high Microsoft 365 usage and no Copilot: ready for it (an upsell)
  'copilot_readiness',
] as const;
export type Problem = (typeof PROBLEMS)[number];

const localized = z.object({ en: z.string().min(1), 'zh-CN': z.string().min(1) }).strict();

export const contentItemSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
    kind: z.enum(CONTENT_KINDS),
    title: localized,
    url: z.object({ en: z.url(), 'zh-CN': z.url() }).strict(),
    problems: z.array(z.enum(PROBLEMS)).min(1),
    workloads: z.array(z.enum(workloads)).default([]), // empty: fits every workload
    apps: z.array(z.enum(COPILOT_APPS)).default([]), // Copilot apps it is made for (a weak app's finding)
    families: z.array(z.string().min(1)).default([]), // empty: fits every product family
  })
  .strict();

export const contentCatalogSchema = z
  .object({ $comment: z.string().optional(), items: z.array(contentItemSchema).min(1) })
  .strict()
  .superRefine((cat, ctx) => {
    const seen = new Set<string>();
    cat.items.forEach((item, i) => {
      if (seen.has(item.id))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate id "${item.id}"` });
      seen.add(item.id);
    });
  });

export type ContentItem = z.infer<typeof contentItemSchema>;
export type ContentCatalog = z.infer<typeof contentCatalogSchema>;

/** Both catalogues, as every job receives them (JobContext.catalog): loaded and validated once, at start-up. */
export type Catalog = ProductCatalog & { content: ContentCatalog };

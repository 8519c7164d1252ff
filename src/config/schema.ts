import { z } from 'zod';

const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID')
  .transform((s) => s.toLowerCase());

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/London');

export const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;

const fraction = z.number().min(0).max(10);

// Objects are strict so that a misspelt key is reported instead of silently ignored.
export const configSchema = z
  .object({
    $comment: z.string().optional(),
    exportsRoot: z.string().min(1),
    warehouse: z.object({ path: z.string().min(1), threads: z.number().int().min(1).max(64) }).strict(),
    partner: z.object({ tenantId: guid.optional(), name: z.string().min(1) }).strict(),
    defaults: z.object({ locale: z.enum(['en', 'zh-CN']), timeZone }).strict(),
    catalog: z.object({ products: z.string().min(1).nullable() }).strict(),
    ingest: z.object({ maxFileBytes: z.number().int().positive() }).strict(),
    outputDir: z.string().min(1),
    // Weeks end on the digest's day, so that a digest always reports a whole week.
    weekly: z.object({ weekEndsOn: z.enum(WEEKDAYS) }).strict(),
    thresholds: z.object({ lowUsage: fraction, lowDeployment: fraction }).strict(),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

export const workloads = [
  'exchange',
  'sharepoint',
  'teams',
  'skype',
  'yammer',
  'office_apps',
  'dynamics',
] as const;
export type Workload = (typeof workloads)[number];

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
export type Catalog = z.infer<typeof catalogSchema>;

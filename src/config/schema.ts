import cron from 'node-cron';
import { z } from 'zod';
import { isEmailAddress } from '../ingest/values.js';

/** One plain address, by the same rule as owner_email at ingest (src/ingest/values.ts). */
const plainEmail = z.email().refine(isEmailAddress, 'must be exactly one plain e-mail address');

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

const cronExpression = z.string().superRefine((expr, ctx) => {
  const check = cron.validateDetailed(expr);
  if (!check.valid)
    ctx.addIssue({
      code: 'custom',
      message: `must be a cron expression such as "30 2 * * *": ${check.errors.map((e) => e.message).join('; ')}`,
    });
});

// Objects are strict so that a misspelt key is reported instead of silently ignored.
export const configSchema = z
  .object({
    $comment: z.string().optional(),
    exportsRoot: z.string().min(1),
    // DuckDB spills to disk beyond memoryLimit (its own default is 80% of the machine's memory).
    warehouse: z
      .object({
        path: z.string().min(1),
        threads: z.number().int().min(1).max(64),
        memoryLimit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as 1GB'),
        // DuckDB lets one process open the file at a time: how long a command waits for another to finish.
        busyWaitSeconds: z.number().int().min(0).max(86_400),
      })
      .strict(),
    partner: z.object({ tenantId: guid.optional(), name: z.string().min(1) }).strict(),
    defaults: z.object({ locale: z.enum(['en', 'zh-CN']), timeZone }).strict(),
    catalog: z
      .object({ products: z.string().min(1).nullable(), content: z.string().min(1).nullable() })
      .strict(),
    ingest: z.object({ maxFileBytes: z.number().int().positive() }).strict(),
    outputDir: z.string().min(1),
    // Weeks end on the digest's day, so that a digest always reports a whole week.
    weekly: z.object({ weekEndsOn: z.enum(WEEKDAYS) }).strict(),
    thresholds: z
      .object({
        lowUsage: fraction,
        lowDeployment: fraction,
        weakWorkloadGap: fraction, // a workload this far below the product's best is weak
        howToPer100: z.number().min(0), // how-to tickets per 100 entitlements over 28 days
        decliningDrop: fraction, // a week-over-week drop of adjusted usage this large (in points)
        renewalDays: z.number().int().min(1).max(366),
        upsellDeployment: fraction,
        upsellUsage: fraction,
      })
      .strict(),
    tickets: z
      .object({
        categories: z.object({ how_to: z.array(z.string()), incident: z.array(z.string()) }).strict(),
      })
      .strict(),
    digest: z
      .object({
        from: z.string().min(3),
        fallbackRecipient: plainEmail,
        maxSuggestionsPerCustomer: z.number().int().min(0).max(20),
        maxCustomers: z.number().int().min(1).max(200),
        cooldownWeeks: z.number().int().min(0).max(52),
        outbox: z.string().min(1),
        operatorSummaryTo: plainEmail.nullable(),
        attachWorkbook: z.boolean(),
        // the whole run stops between two messages after this long; the rest are sent by the next run
        deadlineMinutes: z
          .number()
          .min(0.01)
          .max(24 * 60),
        // a message left uncertain (handed over, no reply) is resent by a later run after this long; null: only
        // with --resend-uncertain (see docs/operations.md for the trade-off)
        resendUncertainAfterHours: z
          .number()
          .min(0)
          .max(24 * 365)
          .nullable(),
      })
      .strict(),
    schedule: z
      .object({
        // null: defaults.timeZone
        timeZone: timeZone.nullable(),
        ingest: z
          .object({
            enabled: z.boolean(),
            cron: cronExpression,
            // a run due on the 24th loads the drop of the 23rd
            dropDaysBefore: z.number().int().min(0).max(31),
            waitForDropMinutes: z
              .number()
              .min(0)
              .max(24 * 60),
            retryEveryMinutes: z
              .number()
              .min(0.01)
              .max(24 * 60),
            requireManifest: z.boolean(),
          })
          .strict(),
        digest: z
          .object({
            enabled: z.boolean(),
            cron: cronExpression,
            // the week reported holds the date this many days before the run
            weekDaysBefore: z.number().int().min(0).max(31),
          })
          .strict(),
        // a due time found this late (the machine slept, the process hung) is reported missed, not run late
        lateToleranceMinutes: z
          .number()
          .min(0)
          .max(24 * 60),
        lockStaleMinutes: z
          .number()
          .min(0.05)
          .max(7 * 24 * 60),
        runRetentionDays: z.number().int().min(1).max(3650),
        alertTo: plainEmail.nullable(),
        alertThrottleMinutes: z
          .number()
          .min(0)
          .max(30 * 24 * 60),
      })
      .strict(),
    // The password is never in a file: it is read from the environment variable named by passwordEnv.
    smtp: z
      .object({
        host: z.string().min(1).nullable(),
        port: z.number().int().min(1).max(65535),
        secure: z.boolean(),
        requireTLS: z.boolean(),
        user: z.string().min(1).nullable(),
        passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name'),
        rejectUnauthorized: z.boolean(),
        retries: z.number().int().min(0).max(10),
        retryDelayMs: z.number().int().min(0).max(600_000),
        // connecting, the greeting and STARTTLS; then every command's reply, the final one after DATA included
        connectTimeoutSeconds: z.number().min(0.1).max(600),
        commandTimeoutSeconds: z.number().min(0.1).max(3600),
        // on a stop (SIGTERM, the run's deadline) a message in progress gets this long before it is abandoned
        stopGraceSeconds: z.number().min(0).max(60),
      })
      .strict(),
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

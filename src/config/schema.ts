import cron from 'node-cron';
import { z } from 'zod';
import { compileTimeFormat } from '../ingest/ticketTimes.js';
import { isEmailAddress } from '../ingest/values.js';
import { guid } from './catalogSchema.js';

// The catalogues' schemas (products, content) are in catalogSchema.ts; importers of this module get them too.
export * from './catalogSchema.js';

/** One plain address, by the same rule as owner_email at ingest (src/ingest/values.ts). */
const plainEmail = z.email().refine(isEmailAddress, 'must be exactly one plain e-mail address');

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

/** Microsoft's base URLs: https, or plain http only on the loopback network (tests and the demo's fake). */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as https://graph.microsoft.com';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must be an https:// URL (plain http:// only for hosts on 127.0.0.0/8)';
}

export function isLoopbackHost(host: string): boolean {
  return (
    /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host) && host.split('.').every((p) => Number(p) <= 255)
  );
}

const endpoint = z.string().superRefine((v, ctx) => {
  const problem = endpointProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
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
    // Account managers (DESIGN.md §2), keyed by e-mail: who they are, and the language and time zone of their
    // digest and workbook. Someone not described here gets the defaults and a greeting without a name.
    recipients: z.record(
      z.email(),
      z
        .object({
          name: z.string().trim().min(1),
          locale: z.enum(['en', 'zh-CN']),
          timeZone,
          // a manager copied on the digest
          cc: z.array(z.email()).optional(),
        })
        .strict(),
    ),
    catalog: z
      .object({ products: z.string().min(1).nullable(), content: z.string().min(1).nullable() })
      .strict(),
    ingest: z.object({ maxFileBytes: z.number().int().positive() }).strict(),
    outputDir: z.string().min(1),
    // A Parquet lake of every metric table (adoption export --lake), refreshed after each scheduled ingest; null: none.
    lake: z.object({ path: z.string().min(1).nullable() }).strict(),
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
        // Microsoft 365 Copilot: seats cost more, so their own thresholds (DESIGN.md §1.6)
        copilot: z
          .object({
            lowUsage: fraction, // below this share of Copilot holders active: low Copilot usage
            lowDeployment: fraction, // below this share of Copilot seats assigned: seats bought but not assigned
            weakAppGap: fraction, // a Copilot app this far below the customer's best app is its weakest
            readinessUsage: fraction, // no Copilot, and Microsoft 365 usage at least this: ready for Copilot
            readinessMinEntitlements: z.number().int().min(1), // ... with at least this many Microsoft 365 seats
          })
          .strict(),
      })
      .strict(),
    // Licence spend (DESIGN.md §1.7): price rows are kept for this market and billing currency (null: every one; a
    // European price list holds six currencies); Graph-only own seats are priced at the default term and plan.
    spend: z
      .object({
        market: z
          .string()
          .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code')
          .nullable(),
        currency: z
          .string()
          .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as USD')
          .nullable(),
        defaultTerm: z.enum(['P1M', 'P1Y', 'P3Y']),
        defaultBillingPlan: z.enum(['Monthly', 'Annual', 'Triennial']),
        renewalHorizonDays: z.number().int().min(1).max(366),
      })
      .strict(),
    tickets: z
      .object({
        categories: z.object({ how_to: z.array(z.string()) }).strict(),
        // null: ISO 8601 only. Otherwise one format such as "MM/DD/YYYY hh:mm A", for help desks that export another.
        openedAtFormat: z
          .string()
          .superRefine((f, ctx) => {
            const compiled = compileTimeFormat(f);
            if (typeof compiled === 'string') ctx.addIssue({ code: 'custom', message: compiled });
          })
          .nullable(),
        // the zone of an opened_at written without a UTC offset
        timeZone,
      })
      .strict(),
    digest: z
      .object({
        from: z.string().min(3),
        fallbackRecipient: plainEmail,
        maxSuggestionsPerCustomer: z.number().int().min(0).max(20),
        // the e-mail's attention list stops here: the rest are counted ("N more") and are in the workbook
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
    // Where `collect` fetches the drop. The client secret is never in a file: ADOPTION_MS_CLIENT_SECRET.
    microsoft: z
      .object({
        endpoints: z
          .object({ login: endpoint, graph: endpoint, partnerCenter: endpoint, partner: endpoint })
          .strict(),
        clientId: guid.nullable(),
        tokenFile: z.string().min(1),
        // the scheduler alerts when the stored refresh token has fewer days than this before it expires unused
        tokenAlertDays: z.number().int().min(1).max(89),
      })
      .strict(),
    collect: z
      .object({
        enabled: z.boolean(),
        cron: cronExpression,
        // CSV: customer_id, owner_email, locale, segment (the partner's own assignment of account managers)
        assignments: z.string().min(1).nullable(),
        concurrency: z.number().int().min(1).max(64),
        requestTimeoutSeconds: z.number().min(0.1).max(3600),
        maxRetries: z.number().int().min(0).max(20),
        backoffBaseMs: z.number().int().min(0).max(600_000),
        maxRetryAfterSeconds: z.number().min(0).max(3600),
        maxDownloadBytes: z.number().int().positive(),
        customersPageSize: z.number().int().min(1).max(500),
        // hosts the usage report's download link may point to: exact names, or "*.example.com"
        downloadHosts: z.array(z.string().min(1)).min(1),
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

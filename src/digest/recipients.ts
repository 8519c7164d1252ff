// Who reads a digest (DESIGN.md §2: account managers described in config): their name for the greeting, the
// locale of their digest and workbook, their time zone, and a manager to copy. Pure.
import type { Config } from '../config/schema.js';
import { UserError } from '../errors.js';
import { checkEmailAddress } from '../ingest/values.js';
import type { Locale } from '../render/email.js';

export interface Recipient {
  email: string;
  /** null: not described in config; the greeting has no name (never one made up from the address) */
  name: string | null;
  locale: Locale;
  timeZone: string;
  cc: string[];
  described: boolean;
}

/** The recipient as config describes them (e-mail compared without case), or the defaults. */
export function recipientFor(config: Config, email: string): Recipient {
  const wanted = email.trim().toLowerCase();
  const entry = Object.entries(config.recipients).find(([k]) => k.trim().toLowerCase() === wanted)?.[1];
  if (!entry)
    return {
      email,
      name: null,
      locale: config.defaults.locale,
      timeZone: config.defaults.timeZone,
      cc: [],
      described: false,
    };
  return {
    email,
    name: entry.name,
    locale: entry.locale,
    timeZone: entry.timeZone,
    cc: entry.cc ?? [],
    described: true,
  };
}

/** One line for the run report naming every recipient config does not describe ('' when there is none). */
export function undescribedLine(config: Config, recipients: readonly Recipient[]): string {
  const missing = [...new Set(recipients.filter((r) => !r.described).map((r) => r.email))];
  if (missing.length === 0) return '';
  return (
    `${missing.length === 1 ? '1 recipient is' : `${missing.length} recipients are`} not described in config ` +
    `(recipients): ${missing.join(', ')}; ${missing.length === 1 ? 'it gets' : 'they get'} the defaults ` +
    `(${config.defaults.locale}, ${config.defaults.timeZone}) and a greeting without a name`
  );
}

/**
 * The recipient of a digest, refused unless the address is exactly one plain e-mail address: one loaded by an older
 * version, or configured, that is not gets nothing sent to it.
 */
export function checkedRecipient(config: Config, email: string): Recipient {
  const check = checkEmailAddress(email);
  if (!check.ok)
    throw new UserError(
      `${JSON.stringify(email)} is not exactly one e-mail address: it ${check.reason}; correct owner_email in customers.csv`,
    );
  return recipientFor(config, email);
}

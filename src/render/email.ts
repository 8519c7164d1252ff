// The digest e-mail: handlebars templates in templates/digest (HTML with inline styles, plain text,
// partials), loaded once at start-up (src/config/templates.ts). Rendering is pure: templates and a view in,
// strings out. Every data field is printed with {{ }}, so handlebars escapes it; templates never use {{{ }}} on
// data.
import type Handlebars from 'handlebars';

// Where the digest job has always imported the loader from.
export { loadTemplates } from '../config/templates.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export type Strings = Record<string, string>;

export interface DigestTemplates {
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
  strings: Record<Locale, Strings>;
}

// `{n, plural, one {seat} other {seats}}`: the branch the locale's plural rule picks for the number n, so that no
// text needs "seat(s)". Branches may hold {placeholders}; `=0`-style exact branches win over the rule.
const PLURAL =
  /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{(?:[^{}]|\{\w+\})*\})+)\s*\}/g;
const BRANCH = /(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;
const pluralRules = new Map<string, Intl.PluralRules>();

/** A locale string with {placeholders} filled in, and {n, plural, ...} choices made with the locale's rules. */
export function fill(template: string, values: Record<string, string | number> = {}, locale = 'en'): string {
  const rules = pluralRules.get(locale) ?? new Intl.PluralRules(locale);
  pluralRules.set(locale, rules);
  const chosen = template.replace(PLURAL, (m, k: string, body: string) => {
    const raw = values[k];
    const n = typeof raw === 'number' ? raw : Number(String(raw ?? '').replace(/[^\d.-]/g, ''));
    if (!(k in values) || Number.isNaN(n)) return m;
    const branches = new Map([...body.matchAll(BRANCH)].map((b) => [b[1]!, b[2]!]));
    return branches.get(`=${n}`) ?? branches.get(rules.select(n)) ?? branches.get('other') ?? m;
  });
  return chosen.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function renderDigestEmail(templates: DigestTemplates, view: Record<string, unknown>): RenderedEmail {
  // A subject is one line: whatever a customer's name holds can never start a new header.
  if (typeof view.subject !== 'string') throw new Error('the digest view has no subject');
  const subject = view.subject
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { subject, html: templates.html({ ...view, subject }), text: templates.text({ ...view, subject }) };
}

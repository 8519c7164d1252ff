// The digest e-mail: handlebars templates in templates/digest (HTML with inline styles, plain text, subject,
// partials). Loading reads the template files once; rendering is pure: a view in, strings out. Every data field
// is printed with {{ }}, so handlebars escapes it; templates never use {{{ }}} on data.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../config/load.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export type Strings = Record<string, string>;

export interface DigestTemplates {
  subject: Handlebars.TemplateDelegate;
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
  strings: Record<Locale, Strings>;
}

const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

export function loadTemplates(dir = TEMPLATES_DIR): DigestTemplates {
  const hb = Handlebars.create();
  const partials = path.join(dir, 'digest', 'partials');
  for (const f of readdirSync(partials))
    hb.registerPartial(path.basename(f, '.hbs'), readFileSync(path.join(partials, f), 'utf8'));
  const compile = (f: string, noEscape = false) =>
    hb.compile(readFileSync(path.join(dir, 'digest', f), 'utf8'), { strict: true, noEscape });
  const strings = Object.fromEntries(
    LOCALES.map((l) => [
      l,
      JSON.parse(readFileSync(path.join(dir, 'locales', `${l}.json`), 'utf8')) as Strings,
    ]),
  ) as Record<Locale, Strings>;
  // The subject and the text part are not HTML: no entities there (header injection is handled where headers are made).
  return {
    subject: compile('subject.hbs', true),
    html: compile('html.hbs'),
    text: compile('text.hbs', true),
    strings,
  };
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
  const subject = templates
    .subject(view)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { subject, html: templates.html({ ...view, subject }), text: templates.text({ ...view, subject }) };
}

// The digest's templates and locale strings, read from templates/ once at start-up: the renderer
// (src/render/email.ts) never reads a file.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { LOCALES, type DigestTemplates, type Locale, type Strings } from '../render/email.js';
import { PROJECT_ROOT } from './load.js';

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
  // The text part is not HTML: no entities there (header injection is handled where headers are made).
  return {
    html: compile('html.hbs'),
    text: compile('text.hbs', true),
    strings,
  };
}

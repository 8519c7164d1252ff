// Covers src/render/, src/report/. src/render and src/report (the renderers and the sheets): pure. Data, fonts and
// templates come in; bytes and models go out. None reads a file, the warehouse or the clock: the same input gives the
// same output, on any day.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config/load.js';

const ROOMS = ['src/render', 'src/report'];
const IMPURE: [string, RegExp][] = [
  ['reads files', /from 'node:fs'|from 'fs'|require\('fs'\)/],
  ['reads the clock', /new Date\(\)|Date\.now\(\)|hrtime|performance\.now/],
  // types from the warehouse module are fine (a row's shape); a value import, or a query, is not
  ['queries the warehouse', /^import \{.*warehouse\/warehouse\.js'|\bwh\.|\.(allFile|streamFile)\(/],
  ['takes a job context', /JobContext/],
];

describe('renderers are pure (src/render, src/report)', () => {
  const files = ROOMS.flatMap((room) =>
    readdirSync(path.join(PROJECT_ROOT, room))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(room, f)),
  );

  it('has renderers to check', () => expect(files.length).toBeGreaterThan(8));

  it.each(IMPURE)('none %s', (_what, pattern) => {
    const offenders = files.filter((f) =>
      readFileSync(path.join(PROJECT_ROOT, f), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line))
        .some((line) => pattern.test(line)),
    );
    expect(offenders).toEqual([]);
  });
});

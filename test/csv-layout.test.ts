// Covers src/ingest/csvLayout.ts. Grouping CSV files by the layout of their header line, without I/O.
import { describe, expect, it } from 'vitest';
import { groupByLayout, type CsvSpec } from '../src/ingest/csvLayout.js';

const SPEC: CsvSpec = {
  columns: [
    { key: 'user_key', headers: ['User Principal Name'], type: 'VARCHAR', required: true },
    { key: 'teams_last', headers: ['Teams Last Activity Date'], type: 'DATE' },
  ],
  ignored: ['Display Name'],
};

const file = (rel: string, header: string) => ({
  rel,
  abs: `/nowhere/${rel}`,
  head: Buffer.from(`${header}\r\n`),
});

describe('src/ingest/csvLayout.ts', () => {
  it('files with one header share a group; each file gets its own warnings; a bad header sets that file aside', () => {
    const result = {
      setAside: new Set<string>(),
      columns: new Map<string, string[]>(),
      issues: [] as never[],
    };
    const groups = groupByLayout(
      [
        file('a.csv', 'User Principal Name;Teams Last Activity Date'),
        file('b.csv', 'Display Name,User Principal Name'),
        file('c.csv', 'User Principal Name;Teams Last Activity Date'),
        file('d.csv', 'Display Name,Teams Last Activity Date'),
        file('e.csv', 'Display Name,User Principal Name'),
      ],
      SPEC,
      result,
    );
    expect(groups.map((g) => g.files.map((f) => f.rel))).toEqual([
      ['a.csv', 'c.csv'],
      ['b.csv', 'e.csv'],
    ]);
    expect(groups[0]!.layout.sniff.delimiter).toBe(';');
    expect(groups[1]!.layout.names).toEqual(['x0', 'user_key']);
    // The delimiter warning is said for both files of that header, each under its own name.
    const delimiter = (result.issues as { code: string; file: string }[]).filter(
      (i) => i.code === 'delimiter',
    );
    expect(delimiter.map((i) => i.file)).toEqual(['a.csv', 'c.csv']);
    const missing = (result.issues as { code: string; file: string; column?: string }[]).filter(
      (i) => i.code === 'missing_column',
    );
    expect(missing).toEqual([expect.objectContaining({ file: 'd.csv', column: 'User Principal Name' })]);
    expect([...result.setAside]).toEqual(['d.csv']);
    expect(result.columns.get('b.csv')).toEqual(['user_key']);
    expect(result.columns.get('a.csv')).toEqual(['user_key', 'teams_last']);
  });
});

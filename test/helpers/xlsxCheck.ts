// Checks an .xlsx package the way Excel does before it offers to "repair" a file: every XML part well-formed,
// every relationship pointing at a part that exists, every part with a content type, and every table's header
// cells equal to its column names.
import path from 'node:path';
import JSZip from 'jszip';
import { SaxesParser } from 'saxes';

function parse(xml: string, name: string): void {
  const p = new SaxesParser({ xmlns: true });
  p.on('error', (e) => {
    throw new Error(`${name}: ${e.message}`);
  });
  p.write(xml).close();
}

function attrs(xml: string, tag: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${tag}\\b([^>]*)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w:]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export async function checkXlsx(buffer: Buffer): Promise<string[]> {
  const problems: string[] = [];
  const zip = await JSZip.loadAsync(buffer);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  const text = new Map<string, string>();
  for (const n of names.filter((n) => /\.(xml|rels)$/.test(n))) {
    const xml = await zip.file(n)!.async('string');
    text.set(n, xml);
    try {
      parse(xml, n);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const types = text.get('[Content_Types].xml') ?? '';
  const defaults = new Set(attrs(types, 'Default').map((a) => a.Extension!.toLowerCase()));
  const overrides = new Set(attrs(types, 'Override').map((a) => a.PartName!));
  for (const n of names) {
    if (n === '[Content_Types].xml') continue;
    const ext = n.slice(n.lastIndexOf('.') + 1).toLowerCase();
    if (!overrides.has(`/${n}`) && !defaults.has(ext)) problems.push(`${n}: no content type`);
  }
  for (const [n, xml] of text) {
    if (!n.endsWith('.rels')) continue;
    const base = path.posix.dirname(path.posix.dirname(n));
    for (const r of attrs(xml, 'Relationship')) {
      if (r.TargetMode === 'External') continue;
      const target = r.Target!.startsWith('/')
        ? r.Target!.slice(1)
        : path.posix.normalize(path.posix.join(base, r.Target!));
      if (!zip.files[target]) problems.push(`${n}: ${r.Id} points at missing ${target}`);
    }
  }
  // Tables: their header cells must read exactly as their column names.
  for (const [n, xml] of text) {
    const m = /^xl\/worksheets\/_rels\/(sheet\d+\.xml)\.rels$/.exec(n);
    if (!m) continue;
    const sheet = text.get(`xl/worksheets/${m[1]}`)!;
    for (const r of attrs(xml, 'Relationship').filter((a) => a.Type!.endsWith('/table'))) {
      const table = text.get(path.posix.normalize(path.posix.join('xl/worksheets', r.Target!)))!;
      const ref = /ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/.exec(table)!;
      const headerRow = ref[2]!;
      const columns = attrs(table, 'tableColumn').map((c) => unescape(c.name!));
      const rowXml = new RegExp(`<row r="${headerRow}"[^>]*>(.*?)</row>`).exec(sheet)?.[1] ?? '';
      const cells = [
        ...rowXml.matchAll(/<c r="[A-Z]+\d+"[^>]*>(?:<v>|<is><t>)(.*?)(?:<\/v>|<\/t><\/is>)<\/c>/g),
      ].map((c) => unescape(c[1]!));
      if (JSON.stringify(cells) !== JSON.stringify(columns))
        problems.push(
          `${m[1]}: table header ${JSON.stringify(cells)} differs from its columns ${JSON.stringify(columns)}`,
        );
      if (!sheet.includes(`r:id="${r.Id}"`)) problems.push(`${m[1]}: table ${r.Id} not listed in tableParts`);
    }
  }
  return problems;
}

// exceljs's streaming writer keeps memory bounded whatever the row count, but writes neither tables nor
// pictures. This adds both to the finished .xlsx package: a real Excel table (with its filter) over each data
// range, and PNG pictures anchored on a sheet. Sheets are addressed by position (xl/worksheets/sheetN.xml).
import JSZip from 'jszip';

export interface TableSpec {
  sheet: number; // 1-based, in the order sheets were added
  name: string; // unique in the workbook: letters, digits, underscores
  ref: string; // e.g. A1:T1500, header row included
  columns: string[]; // the header texts, exactly as in the header row
  style?: string;
}

export interface PictureSpec {
  sheet: number;
  png: Buffer;
  col: number; // 0-based top-left anchor
  row: number;
  widthPx: number;
  heightPx: number;
  description: string;
}

const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const EMU_PER_PX = 9525;

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function tableXml(id: number, t: TableSpec): string {
  const cols = t.columns.map((c, i) => `<tableColumn id="${i + 1}" name="${xmlEscape(c)}"/>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="${id}" name="${t.name}" displayName="${t.name}" ref="${t.ref}" totalsRowShown="0">` +
    `<autoFilter ref="${t.ref}"/><tableColumns count="${t.columns.length}">${cols}</tableColumns>` +
    `<tableStyleInfo name="${t.style ?? 'TableStyleMedium2'}" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>`
  );
}

function drawingXml(pictures: { p: PictureSpec; rid: string; id: number }[]): string {
  const anchors = pictures
    .map(({ p, rid, id }) => {
      const cx = p.widthPx * EMU_PER_PX;
      const cy = p.heightPx * EMU_PER_PX;
      return (
        `<xdr:oneCellAnchor><xdr:from><xdr:col>${p.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${p.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>` +
        `<xdr:ext cx="${cx}" cy="${cy}"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="${id}" name="Picture ${id}" descr="${xmlEscape(p.description)}"/>` +
        `<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>` +
        `<xdr:blipFill><a:blip r:embed="${rid}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>` +
        `<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>` +
        `</xdr:pic><xdr:clientData/></xdr:oneCellAnchor>`
      );
    })
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${NS_R}">${anchors}</xdr:wsDr>`
  );
}

function relsXml(rels: { id: string; type: string; target: string }[]): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    rels.map((r) => `<Relationship Id="${r.id}" Type="${NS_R}/${r.type}" Target="${r.target}"/>`).join('') +
    `</Relationships>`
  );
}

/** Adds relationships to a .rels part, creating it if needed. */
function addRels(existing: string | undefined, rels: { id: string; type: string; target: string }[]): string {
  if (!existing) return relsXml(rels);
  const extra = rels
    .map((r) => `<Relationship Id="${r.id}" Type="${NS_R}/${r.type}" Target="${r.target}"/>`)
    .join('');
  return existing.replace('</Relationships>', `${extra}</Relationships>`);
}

/** Inserts elements where the schema wants them: after everything but extLst, at the end of the worksheet. */
function appendToWorksheet(xml: string, elements: string): string {
  const at = xml.lastIndexOf('<extLst>');
  const end = at >= 0 ? at : xml.lastIndexOf('</worksheet>');
  return xml.slice(0, end) + elements + xml.slice(end);
}

export async function addTablesAndPictures(
  xlsx: Buffer,
  tables: TableSpec[],
  pictures: PictureSpec[],
): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  let types = await zip.file('[Content_Types].xml')!.async('string');
  const sheets = new Set([...tables.map((t) => t.sheet), ...pictures.map((p) => p.sheet)]);
  let tableId = 0;
  let imageId = 0;
  let drawingId = 0;
  for (const sheet of [...sheets].sort((a, b) => a - b)) {
    const sheetPath = `xl/worksheets/sheet${sheet}.xml`;
    const relsPath = `xl/worksheets/_rels/sheet${sheet}.xml.rels`;
    let xml = await zip.file(sheetPath)!.async('string');
    const rels: { id: string; type: string; target: string }[] = [];
    let elements = '';
    const pics = pictures.filter((p) => p.sheet === sheet);
    if (pics.length) {
      drawingId++;
      const drawingRels: { id: string; type: string; target: string }[] = [];
      const placed = pics.map((p, i) => {
        imageId++;
        zip.file(`xl/media/image${imageId}.png`, p.png);
        drawingRels.push({ id: `rIdImg${i + 1}`, type: 'image', target: `../media/image${imageId}.png` });
        return { p, rid: `rIdImg${i + 1}`, id: i + 2 };
      });
      zip.file(`xl/drawings/drawing${drawingId}.xml`, drawingXml(placed));
      zip.file(`xl/drawings/_rels/drawing${drawingId}.xml.rels`, relsXml(drawingRels));
      types = types.replace(
        '</Types>',
        `<Override PartName="/xl/drawings/drawing${drawingId}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>`,
      );
      rels.push({ id: 'rIdAdoptionDrawing', type: 'drawing', target: `../drawings/drawing${drawingId}.xml` });
      elements += `<drawing r:id="rIdAdoptionDrawing"/>`;
    }
    const sheetTables = tables.filter((t) => t.sheet === sheet);
    if (sheetTables.length) {
      const parts = sheetTables.map((t, i) => {
        tableId++;
        zip.file(`xl/tables/table${tableId}.xml`, tableXml(tableId, t));
        types = types.replace(
          '</Types>',
          `<Override PartName="/xl/tables/table${tableId}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/></Types>`,
        );
        rels.push({ id: `rIdAdoptionTable${i + 1}`, type: 'table', target: `../tables/table${tableId}.xml` });
        return `<tablePart r:id="rIdAdoptionTable${i + 1}"/>`;
      });
      elements += `<tableParts count="${parts.length}">${parts.join('')}</tableParts>`;
    }
    if (!/xmlns:r=/.test(xml.slice(0, 600)))
      xml = xml.replace('<worksheet ', `<worksheet xmlns:r="${NS_R}" `);
    zip.file(sheetPath, appendToWorksheet(xml, elements));
    zip.file(relsPath, addRels(await zip.file(relsPath)?.async('string'), rels));
  }
  if (imageId > 0 && !/Extension="png"/i.test(types))
    types = types.replace('</Types>', '<Default Extension="png" ContentType="image/png"/></Types>');
  zip.file('[Content_Types].xml', types);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 1 } });
}

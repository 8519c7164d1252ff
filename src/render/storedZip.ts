// A stored (uncompressed) zip package read in place: held as the chunks it was written in, each part a list of
// views into them. A workbook of 750,000 rows is ~300 MB of XML: joining the chunks and then copying each part
// out (fflate's unzipSync) held it three times over.

/** Bytes as a list of views into larger buffers, never joined unless asked. */
export type Pieces = Buffer[];

export function piecesLength(pieces: Pieces): number {
  return pieces.reduce((n, p) => n + p.length, 0);
}

/** The pieces' bytes from `start` to `end` (offsets into their whole), as views. */
export function slicePieces(pieces: Pieces, start: number, end: number): Pieces {
  const out: Pieces = [];
  let at = 0;
  for (const p of pieces) {
    const from = Math.max(start - at, 0);
    const to = Math.min(end - at, p.length);
    if (from < to) out.push(p.subarray(from, to));
    at += p.length;
    if (at >= end) break;
  }
  return out;
}

/** Where `marker` first (or, `last`, last) begins in the pieces' whole; -1 when it is not there. */
export function findInPieces(pieces: Pieces, marker: string, last = false): number {
  const needle = Buffer.from(marker, 'utf8');
  const starts: number[] = [];
  pieces.reduce((at, p) => (starts.push(at), at + p.length), 0);
  // a match that begins before piece i and ends in it (it may span several small pieces)
  const across = (i: number) => {
    if (i <= 0 || i >= pieces.length) return -1;
    const before = Buffer.concat(slicePieces(pieces, starts[i]! - needle.length + 1, starts[i]!));
    const after = slicePieces(pieces, starts[i]!, starts[i]! + needle.length - 1);
    const window = Buffer.concat([before, ...after]);
    const index = last ? window.lastIndexOf(needle, before.length - 1) : window.indexOf(needle);
    return index >= 0 && index < before.length ? starts[i]! - before.length + index : -1;
  };
  for (let n = 0; n < pieces.length; n++) {
    const i = last ? pieces.length - 1 - n : n;
    const first = last ? across(i + 1) : across(i);
    if (first >= 0) return first;
    const inside = last ? pieces[i]!.lastIndexOf(needle) : pieces[i]!.indexOf(needle);
    if (inside >= 0) return starts[i]! + inside;
  }
  return -1;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/** The parts of a stored zip package, by name, in the package's order, each as views into `chunks`. */
export function storedParts(chunks: Buffer[]): Map<string, Pieces> {
  const total = piecesLength(chunks);
  const read = (start: number, length: number) => Buffer.concat(slicePieces(chunks, start, start + length));
  const tailStart = Math.max(0, total - 65_557); // the end record, and a comment of at most 65,535 bytes
  const tail = read(tailStart, total - tailStart);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0 && eocd < 0; i--) if (tail.readUInt32LE(i) === EOCD) eocd = i;
  if (eocd < 0) throw new Error('not a zip package: no end of central directory');
  const count = tail.readUInt16LE(eocd + 10);
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || count === 0xffff)
    throw new Error('a workbook package over 4 GB is not supported');
  const directory = read(offset, size);
  const parts = new Map<string, Pieces>();
  for (let at = 0, n = 0; n < count; n++) {
    if (directory.readUInt32LE(at) !== CENTRAL) throw new Error('a broken zip central directory');
    const method = directory.readUInt16LE(at + 10);
    const compressed = directory.readUInt32LE(at + 20);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const local = directory.readUInt32LE(at + 42);
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
    if (method !== 0) throw new Error(`${name} is compressed: the package must be stored`);
    const header = read(local, 30);
    const start = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    parts.set(name, slicePieces(chunks, start, start + compressed));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return parts;
}

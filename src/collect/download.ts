// Writing a report download to disk: streamed (a large tenant's report does not sit in memory), capped at
// collect.maxDownloadBytes, checked against the announced length, and checked to be the report asked for (its
// CSV header) before it takes its name. A download that fails any check leaves no file behind.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { ReadableStream } from 'node:stream/web';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentError } from './http.js';

/** How much of the start of a download is kept to read its header line. */
const HEAD_BYTES = 65536;

/** Pure: the required columns (lower case) a CSV's first line lacks; a BOM and quotes are ignored. */
export function missingCsvColumns(head: Buffer, required: readonly string[]): string[] {
  const firstLine =
    head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0] ?? '';
  const columns = firstLine.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  return required.filter((c) => !columns.includes(c));
}

export async function streamToFile(
  res: Response,
  file: string,
  signal: AbortSignal,
  limits: { maxBytes: number; required: readonly string[] },
): Promise<void> {
  const announced = res.headers.get('content-length');
  const cap = limits.maxBytes;
  if (announced !== null && Number(announced) > cap)
    throw new ContentError(
      `the download announces ${announced} bytes, over collect.maxDownloadBytes (${cap})`,
    );
  const tmp = `${file}.tmp`;
  let bytes = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  const body = Readable.fromWeb(res.body as ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (headBytes < HEAD_BYTES) {
      head.push(chunk);
      headBytes += chunk.length;
    }
    if (bytes > cap)
      body.destroy(new ContentError(`the download is larger than collect.maxDownloadBytes (${cap})`));
  });
  try {
    await pipeline(body, createWriteStream(tmp), { signal });
  } catch (err) {
    rmSync(tmp, { force: true });
    if (err instanceof ContentError) throw err;
    if (announced !== null && bytes < Number(announced) && !signal.aborted)
      throw new ContentError(`the download stopped after ${bytes} of the ${announced} bytes announced`);
    throw err;
  }
  if (announced !== null && bytes !== Number(announced)) {
    rmSync(tmp, { force: true });
    throw new ContentError(`the download is ${bytes} bytes but ${announced} were announced`);
  }
  const missing = missingCsvColumns(Buffer.concat(head), limits.required);
  if (missing.length) {
    rmSync(tmp, { force: true });
    throw new ContentError(
      `the CSV header lacks ${missing.map((m) => `"${m}"`).join(', ')} (a different report, or an error page)`,
    );
  }
  renameSync(tmp, file);
}

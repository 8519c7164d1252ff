// Reading a paged JSON list to its end. Graph pages with @odata.nextLink and Partner Center's analytics with
// @nextLink; either way the token must never follow a link to another origin.
import { ContentError, getJson, type RetryPolicy } from './http.js';
import { mergePages } from './plan.js';

export interface PagedList {
  /** the key of the items list in each page ('value', 'Value') */
  itemsKey: string;
  /** the key of the next page's link */
  nextKey: string;
  /** the ContentError message when a page has no items list */
  noItems: string;
  /** the origin every page must come from */
  base: string;
  /** Partner Center's links may be relative to its base; Graph's are absolute */
  relativeLinks: boolean;
}

export interface Page {
  text: string;
  doc: Record<string, unknown>;
}

export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Every page of a list, in order, each with the bytes Microsoft sent. */
export async function fetchAllPages(
  firstUrl: string,
  headers: () => Promise<Record<string, string>>,
  policy: RetryPolicy,
  list: PagedList,
): Promise<Page[]> {
  const pages: Page[] = [];
  let url: string | null = firstUrl;
  while (url) {
    const r = await getJson(url, await headers(), policy);
    const doc = r.doc as Record<string, unknown> | null;
    if (!doc || typeof doc !== 'object' || !Array.isArray(doc[list.itemsKey]))
      throw new ContentError(list.noItems);
    pages.push({ text: r.text, doc });
    const next = doc[list.nextKey];
    url =
      typeof next === 'string' && next
        ? list.relativeLinks
          ? new URL(next, `${list.base}/`).href
          : next
        : null;
    if (url && !sameOrigin(url, list.base)) throw new ContentError(`${list.nextKey} leaves ${list.base}`);
  }
  return pages;
}

/**
 * The file to keep for a list: one page is Microsoft's bytes as sent; several are one document in the first
 * page's envelope, with `envelope` laid over it (the next-page link cleared).
 */
export function listFileText(
  pages: readonly Page[],
  itemsKey: string,
  dropKeys: readonly string[],
  envelope: Record<string, unknown> = {},
): string {
  if (pages.length === 1) return pages[0]!.text;
  return JSON.stringify(
    {
      ...mergePages(
        pages.map((x) => x.doc),
        itemsKey,
        dropKeys,
      ),
      ...envelope,
    },
    null,
    1,
  );
}

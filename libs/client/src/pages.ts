import type { ImagesClient } from './client';
import { dataOrThrow } from './problems';
import type { Image, ImageList, ImageListQuery } from './types';

/** Filters, sort and page size; the walkers set `cursor` themselves. */
export type ImageWalkQuery = Omit<ImageListQuery, 'cursor'>;

/**
 * Every page of `GET /images` for these filters, following `page.nextCursor` until there is none. Each page keeps
 * its `sources` and `complete`, which say whether a provider's slice was stale or missing on that page.
 * A non-2xx answer throws a ProblemError.
 */
export async function* listPages(client: ImagesClient, query: ImageWalkQuery = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<ImageList> {
  let cursor: string | undefined;
  do {
    const list = await dataOrThrow(client.GET('/images', { params: { query: { ...query, cursor } }, signal: options.signal }));
    yield list;
    cursor = list.page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** Every image matching the filters, across all pages, in the list's order (`for await (const image of walkImages(…))`). */
export async function* walkImages(client: ImagesClient, query: ImageWalkQuery = {}, options: { signal?: AbortSignal } = {}): AsyncGenerator<Image> {
  for await (const list of listPages(client, query, options)) yield* list.items;
}

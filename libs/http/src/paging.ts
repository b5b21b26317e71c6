export interface PageResult<T> {
  items: T[];
  /** The vendor's total count, or null when it gives none. */
  total: number | null;
}

export interface FetchAllPagesOptions<T> {
  /** The page size asked for. */
  pageSize: number;
  /** How many pages after the first are fetched at once. */
  concurrency: number;
  /** A guard against a vendor announcing absurd totals. */
  maxPages?: number;
  /** `pageIndex` is 0-based; offset-style vendors send `pageIndex * pageSize`, page-number vendors `pageIndex + 1`. */
  fetchPage(pageIndex: number, pageSize: number): Promise<PageResult<T>>;
}

/**
 * A whole catalog: page one first (it tells the total), then every other page at once within `concurrency`.
 * When the vendor silently caps the page size, the cap it showed on page one is used for the rest.
 */
export async function fetchAllPages<T>(options: FetchAllPagesOptions<T>): Promise<T[]> {
  const maxPages = options.maxPages ?? 1000;
  const first = await options.fetchPage(0, options.pageSize);
  const firstCount = first.items.length;
  if (firstCount === 0) return [];

  if (first.total === null) return fetchSequentially(options, first.items, maxPages);
  if (first.total <= firstCount) return first.items;

  const pageSize = firstCount < options.pageSize ? firstCount : options.pageSize;
  const pageCount = Math.min(Math.ceil(first.total / pageSize), maxPages);
  const rest = await mapWithConcurrency(
    Array.from({ length: pageCount - 1 }, (_, i) => i + 1),
    options.concurrency,
    (pageIndex) => options.fetchPage(pageIndex, pageSize),
  );
  return first.items.concat(...rest.map((page) => page.items));
}

async function fetchSequentially<T>(options: FetchAllPagesOptions<T>, firstItems: T[], maxPages: number): Promise<T[]> {
  const all = [...firstItems];
  const pageSize = firstItems.length;
  for (let pageIndex = 1; pageIndex < maxPages; pageIndex++) {
    const page = await options.fetchPage(pageIndex, pageSize);
    all.push(...page.items);
    if (page.items.length < pageSize) break;
  }
  return all;
}

/**
 * Runs `task` over `inputs` with at most `concurrency` in flight, results in input order.
 * The first failure rejects the whole and starts nothing more (the caller's abort signal stops what is in flight).
 */
export async function mapWithConcurrency<I, O>(inputs: readonly I[], concurrency: number, task: (input: I) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(inputs.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    // After a failure the whole is lost: no further task is started.
    while (next < inputs.length && !failed) {
      const index = next++;
      try {
        results[index] = await task(inputs[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, worker));
  return results;
}

import { createHash } from 'node:crypto';
import { canonicalFilters, ImageFilters } from './filters';
import { SortKey, SortPosition, SortSpec } from './sort';

/** The gateway answers it with 400 VALIDATION_FAILED on the field `cursor`. */
export class InvalidCursorError extends Error {
  constructor(message: 'cursor is malformed' | 'cursor belongs to another query') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/** What a cursor carries: the query it belongs to, and the sort value and id of the last item returned. */
interface CursorBody {
  q: string;
  v: number | string | null;
  id: string;
}

const QUERY_HASH_LENGTH = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A short hash of filters + sort; limit stays out so a caller may change page size between pages. */
export function queryHash(filters: ImageFilters, sort: SortKey): string {
  return createHash('sha256')
    .update(`images-query/1\n${canonicalFilters(filters)}\n${sort}`)
    .digest('base64url')
    .slice(0, QUERY_HASH_LENGTH);
}

export function encodeCursor(hash: string, last: SortPosition): string {
  const body: CursorBody = { q: hash, v: last.value, id: last.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The position the cursor points at, checked against the query it is used with. */
export function decodeCursor(cursor: string, spec: SortSpec, expectedHash: string): SortPosition {
  const body = parseBody(cursor);
  if (body.q !== expectedHash) throw new InvalidCursorError('cursor belongs to another query');
  // Same hash means same sort, so a value of the wrong kind was not made by us.
  const valueFits = body.v === null || typeof body.v === (spec.field === 'sizeBytes' ? 'number' : 'string');
  if (!valueFits) throw new InvalidCursorError('cursor is malformed');
  return { value: body.v, primary: spec.primaryOf(body.v), id: body.id };
}

function parseBody(cursor: string): CursorBody {
  // Buffer's base64 decoder skips characters it does not know, so check the alphabet and length first.
  if (typeof cursor !== 'string' || !BASE64URL.test(cursor) || cursor.length % 4 === 1) {
    throw new InvalidCursorError('cursor is malformed');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is malformed');
  }
  if (!isCursorBody(parsed)) throw new InvalidCursorError('cursor is malformed');
  return parsed;
}

function isCursorBody(value: unknown): value is CursorBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { q, v, id } = value as Record<string, unknown>;
  return (
    typeof q === 'string' &&
    typeof id === 'string' &&
    (v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
  );
}

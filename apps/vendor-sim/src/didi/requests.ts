import { DidiRegion, isDidiRegion } from '../catalogs/didi';
import { isPlainObject } from '../vendors/vendor';

// Parsing of the CIMG write bodies and the job-result query, written from the DiDi docs and vendor notes.

export const DIDI_ERRNO = {
  invalidParameters: 1,
  systemError: 2,
  authFailed: 4,
  snapshotQueryFailed: 41017,
  imageQueryFailed: 41026,
  noPermission: 10000001,
  regionLookupFailed: 16000002,
} as const;

/** Names longer than this are refused; DiDi documents no limit, the gateway contract allows 128. */
export const MAX_NAME_LENGTH = 128;

/** A DiDi error answer to be: `errno` and the detail appended to its message. */
export class DidiError {
  constructor(
    readonly errno: number,
    readonly detail: string,
  ) {}
}

const invalid = (detail: string) => new DidiError(DIDI_ERRNO.invalidParameters, detail);

export interface CreateItem {
  name: string;
  snapUuid: string;
  description: string;
}

export interface ImportItem {
  name: string;
  originImageUuid: string;
  originRegion: DidiRegion;
  description: string;
}

export interface DeleteItem {
  cimgUuid: string;
}

export interface ChangeNameItem {
  cimgUuid: string;
  name: string;
}

export interface WriteRequest<T> {
  region: DidiRegion;
  items: T[];
}

export type ItemParser<T> = (item: Record<string, unknown>, path: string) => T | DidiError;

/** A missing region is an invalid parameter; a region DiDi does not have fails its lookup. */
function parseRegion(value: unknown, field: string): DidiRegion | DidiError {
  if (typeof value !== 'string' || value === '') return invalid(`${field} is required`);
  if (!isDidiRegion(value)) return new DidiError(DIDI_ERRNO.regionLookupFailed, `unknown ${field} ${value}`);
  return value;
}

function requiredString(item: Record<string, unknown>, field: string, path: string): string | DidiError {
  const value = item[field];
  if (typeof value !== 'string' || value.trim() === '') return invalid(`${path}.${field} is required`);
  return value;
}

function parseName(item: Record<string, unknown>, path: string): string | DidiError {
  const name = requiredString(item, 'name', path);
  if (typeof name === 'string' && name.length > MAX_NAME_LENGTH) return invalid(`${path}.name is longer than ${MAX_NAME_LENGTH} characters`);
  return name;
}

function parseDescription(item: Record<string, unknown>, path: string): string | DidiError {
  const value = item['description'];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return invalid(`${path}.description must be a string`);
  return value;
}

export const parseCreateItem: ItemParser<CreateItem> = (item, path) => {
  const name = parseName(item, path);
  if (name instanceof DidiError) return name;
  const snapUuid = requiredString(item, 'snapUuid', path);
  if (snapUuid instanceof DidiError) return snapUuid;
  const description = parseDescription(item, path);
  if (description instanceof DidiError) return description;
  return { name, snapUuid, description };
};

export const parseImportItem: ItemParser<ImportItem> = (item, path) => {
  const name = parseName(item, path);
  if (name instanceof DidiError) return name;
  const originImageUuid = requiredString(item, 'originImageUuid', path);
  if (originImageUuid instanceof DidiError) return originImageUuid;
  const originRegion = parseRegion(item['originRegionId'], `${path}.originRegionId`);
  if (originRegion instanceof DidiError) return originRegion;
  const description = parseDescription(item, path);
  if (description instanceof DidiError) return description;
  return { name, originImageUuid, originRegion, description };
};

export const parseDeleteItem: ItemParser<DeleteItem> = (item, path) => {
  const cimgUuid = requiredString(item, 'cimgUuid', path);
  if (cimgUuid instanceof DidiError) return cimgUuid;
  return { cimgUuid };
};

export const parseChangeNameItem: ItemParser<ChangeNameItem> = (item, path) => {
  const cimgUuid = requiredString(item, 'cimgUuid', path);
  if (cimgUuid instanceof DidiError) return cimgUuid;
  const name = parseName(item, path);
  if (name instanceof DidiError) return name;
  return { cimgUuid, name };
};

/** `{regionId, cimg: [...]}`; every item is checked before anything is changed. */
export function parseWriteBody<T>(body: unknown, parseItem: ItemParser<T>): WriteRequest<T> | DidiError {
  if (!isPlainObject(body)) return invalid('the body must be a JSON object');
  const region = parseRegion(body['regionId'], 'regionId');
  if (region instanceof DidiError) return region;
  const given = body['cimg'];
  // The parameter tables say array; the docs' curl examples send one object.
  const entries: unknown = isPlainObject(given) ? [given] : given;
  if (!Array.isArray(entries) || entries.length === 0) return invalid('cimg must be a non-empty array of objects');
  const items: T[] = [];
  for (const [index, entry] of entries.entries()) {
    const path = `cimg[${index}]`;
    if (!isPlainObject(entry)) return invalid(`${path} must be an object`);
    const item = parseItem(entry, path);
    if (item instanceof DidiError) return item;
    items.push(item);
  }
  return { region, items };
}

export interface ResultQuery {
  region: DidiRegion;
  jobUuids: string[];
}

/** `regionId=…&jobUuids=a,b` (a repeated `jobUuids` is read too); ids are kept once, in the order given. */
export function parseResultQuery(query: URLSearchParams): ResultQuery | DidiError {
  const region = parseRegion(query.get('regionId'), 'regionId');
  if (region instanceof DidiError) return region;
  const jobUuids = [
    ...new Set(
      query
        .getAll('jobUuids')
        .flatMap((value) => value.split(','))
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
  ];
  if (jobUuids.length === 0) return invalid('jobUuids is required');
  return { region, jobUuids };
}

import { randomBytes } from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DIDI_REGIONS, DIDI_SNAPSHOTS, DidiJob, DidiRegion, buildDidiCatalog, isDidiRegion } from '../catalogs/didi';
import {
  DIDI_ERRNO,
  DidiError,
  ItemParser,
  WriteRequest,
  parseChangeNameItem,
  parseCreateItem,
  parseDeleteItem,
  parseImportItem,
  parseResultQuery,
  parseWriteBody,
} from '../didi/requests';
import { DidiStore } from '../didi/store';
import { FaultSpec } from '../faults';
import { DIDI_ERRNO_MESSAGES } from '../fixtures/error-codes';
import {
  CatalogView,
  SimContext,
  VendorSimulator,
  distinct,
  isPlainObject,
  parseJson,
  pathOf,
  plainNotFound,
  plainThrottleAnswer,
  rawBody,
  rawQueryOf,
  echoedCredentials,
} from './vendor';

// DiDi Cloud CIMG: POST JSON (GET query for job results), Bearer token, errors as `errno` with HTTP 200.

const CIMG_PATH = '/dicloud/i/storage/cimg';
const RESULT_PATH = '/dicloud/i/result';
const MAX_PAGE_SIZE = 100;

function requestId(): string {
  return randomBytes(16).toString('hex');
}

function envelope(errno: number, errmsg: string, data: unknown) {
  return { errno, errmsg, requestId: requestId(), data };
}

function fail(reply: FastifyReply, errno: number, detail?: string): FastifyReply {
  const message = DIDI_ERRNO_MESSAGES[errno] ?? 'unknown error';
  return reply.code(200).send(envelope(errno, detail === undefined ? message : `${message}: ${detail}`, null));
}

interface ListRequest {
  region: DidiRegion;
  start: number;
  limit: number;
  names: string[] | null;
}

function parseListRequest(body: unknown): ListRequest | string {
  if (!isPlainObject(body)) return 'the body must be a JSON object';
  const { regionId, start, limit, condition } = body;
  if (typeof regionId !== 'string' || regionId === '') return 'regionId is required';
  if (!isDidiRegion(regionId)) return `unknown regionId ${regionId}`;
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) return 'start must be a non-negative integer';
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) return 'limit must be a positive integer';
  let names: string[] | null = null;
  if (condition !== undefined && condition !== null) {
    if (!isPlainObject(condition)) return 'condition must be an object';
    const given = condition['names'];
    if (given !== undefined && given !== null) {
      if (!Array.isArray(given) || !given.every((name) => typeof name === 'string')) return 'condition.names must be an array of strings';
      names = given;
    }
  }
  return { region: regionId as DidiRegion, start, limit: Math.min(limit, MAX_PAGE_SIZE), names };
}

export function createDidiSimulator(context: SimContext): VendorSimulator {
  const store = new DidiStore(buildDidiCatalog(), context.stepMs);

  const authorized = (request: FastifyRequest): boolean => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match !== null && match[1] === context.credentials.didiToken;
  };

  /** Null when the token is right, else the answer already sent. */
  const rejectUnauthorized = (request: FastifyRequest, reply: FastifyReply): FastifyReply | null => {
    if (authorized(request)) return null;
    context.stats.recordAuthFailure('didi');
    return fail(reply, DIDI_ERRNO.authFailed);
  };

  // Jobs and images are live state: send copies as they are now.
  const sendJobs = (reply: FastifyReply, jobs: DidiJob[]): FastifyReply => reply.code(200).send(envelope(0, 'ok', structuredClone(jobs)));

  const listImages = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const rejected = rejectUnauthorized(request, reply);
    if (rejected !== null) return rejected;
    const parsed = parseListRequest(parseJson(rawBody(request)));
    if (typeof parsed === 'string') return fail(reply, DIDI_ERRNO.invalidParameters, parsed);
    const regionImages = store.list(parsed.region);
    const names = parsed.names;
    const matching = names === null ? regionImages : regionImages.filter((image) => names.includes(image.name));
    const items = matching.slice(parsed.start, parsed.start + parsed.limit);
    return reply.code(200).send(envelope(0, 'ok', structuredClone({ count: matching.length, items })));
  };

  /** One CIMG write: parse `{regionId, cimg}` with `parseItem`, then apply it; the answer is one Job per item. */
  const write =
    <T>(parseItem: ItemParser<T>, apply: (request: WriteRequest<T>) => DidiJob[] | DidiError) =>
    (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const rejected = rejectUnauthorized(request, reply);
      if (rejected !== null) return rejected;
      const parsed = parseWriteBody(parseJson(rawBody(request)), parseItem);
      if (parsed instanceof DidiError) return fail(reply, parsed.errno, parsed.detail);
      const jobs = apply(parsed);
      if (jobs instanceof DidiError) return fail(reply, jobs.errno, jobs.detail);
      return sendJobs(reply, jobs);
    };

  // Jobs are found by jobUuid whatever the (valid) regionId: a job id is unique across regions.
  const jobResults = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const rejected = rejectUnauthorized(request, reply);
    if (rejected !== null) return rejected;
    const parsed = parseResultQuery(new URLSearchParams(rawQueryOf(request)));
    if (parsed instanceof DidiError) return fail(reply, parsed.errno, parsed.detail);
    return sendJobs(reply, store.findJobs(parsed.jobUuids));
  };

  return {
    name: 'didi',
    operationOf(request) {
      const path = pathOf(request);
      const match = /^\/dicloud\/i\/(?:storage\/)?(.+)$/.exec(path);
      return match ? match[1] : 'unknown';
    },
    registerRoutes(app: FastifyInstance) {
      app.post(`${CIMG_PATH}/list`, listImages);
      app.post(`${CIMG_PATH}/create`, write(parseCreateItem, ({ region, items }) => store.create(region, items)));
      app.post(`${CIMG_PATH}/import`, write(parseImportItem, ({ region, items }) => store.importImages(region, items)));
      app.post(`${CIMG_PATH}/delete`, write(parseDeleteItem, ({ region, items }) => store.delete(region, items)));
      app.post(`${CIMG_PATH}/changeName`, write(parseChangeNameItem, ({ region, items }) => store.changeName(region, items)));
      app.get(RESULT_PATH, jobResults);
    },
    notFound: (_request, reply) => plainNotFound(reply),
    errorAnswer(reply, fault: FaultSpec) {
      const errno = fault.code === undefined ? DIDI_ERRNO.systemError : Number(fault.code);
      return fail(reply, Number.isInteger(errno) ? errno : DIDI_ERRNO.systemError, echoedCredentials(reply, fault));
    },
    throttleAnswer: plainThrottleAnswer,
    badShapeAnswer(reply) {
      // A double-encoded list: `items` is a string holding JSON.
      const bj = store.list('bj');
      return reply.code(200).send(envelope(0, 'ok', { count: bj.length, items: JSON.stringify(bj.slice(0, 2)) }));
    },
    catalog(): CatalogView {
      const lists = Object.fromEntries(DIDI_REGIONS.map((region) => [region, store.list(region).map((image) => image.cimgUuid)]));
      const snapshots = Object.fromEntries(DIDI_REGIONS.map((region) => [region, DIDI_SNAPSHOTS.filter((snapshot) => snapshot.regionId === region).map((snapshot) => snapshot.snapUuid)]));
      return {
        ids: distinct(Object.values(lists).flat()),
        items: structuredClone(DIDI_REGIONS.flatMap((region) => store.list(region))),
        lists,
        snapshots,
      };
    },
  };
}

import { randomBytes } from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DIDI_REGIONS, DidiCatalog, DidiImage, DidiRegion, buildDidiCatalog } from '../catalogs/didi';
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
  echoedCredentials,
} from './vendor';

// DiDi Cloud CIMG: POST JSON, Bearer token, errors as `errno` with HTTP 200.

const LIST_PATH = '/dicloud/i/storage/cimg/list';
const MAX_PAGE_SIZE = 100;
const INVALID_PARAMETERS = 1;
const AUTH_FAILED = 4;
const SYSTEM_ERROR = 2;

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
  if (!(DIDI_REGIONS as readonly string[]).includes(regionId)) return `unknown regionId ${regionId}`;
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
  const catalog: DidiCatalog = buildDidiCatalog();

  const authorized = (request: FastifyRequest): boolean => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    return match !== null && match[1] === context.credentials.didiToken;
  };

  const listImages = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (!authorized(request)) {
      context.stats.recordAuthFailure('didi');
      return fail(reply, AUTH_FAILED);
    }
    const parsed = parseListRequest(parseJson(rawBody(request)));
    if (typeof parsed === 'string') return fail(reply, INVALID_PARAMETERS, parsed);
    const regionImages: DidiImage[] = catalog.regions[parsed.region];
    const names = parsed.names;
    const matching = names === null ? regionImages : regionImages.filter((image) => names.includes(image.name));
    const items = matching.slice(parsed.start, parsed.start + parsed.limit);
    return reply.code(200).send(envelope(0, 'ok', { count: matching.length, items }));
  };

  return {
    name: 'didi',
    operationOf(request) {
      const path = pathOf(request);
      const match = /^\/dicloud\/i\/(?:storage\/)?(.+)$/.exec(path);
      return match ? match[1] : 'unknown';
    },
    registerRoutes(app: FastifyInstance) {
      app.post(LIST_PATH, listImages);
    },
    notFound: (_request, reply) => plainNotFound(reply),
    errorAnswer(reply, fault: FaultSpec) {
      const errno = fault.code === undefined ? SYSTEM_ERROR : Number(fault.code);
      return fail(reply, Number.isInteger(errno) ? errno : SYSTEM_ERROR, echoedCredentials(reply, fault));
    },
    throttleAnswer: plainThrottleAnswer,
    badShapeAnswer(reply) {
      // A double-encoded list: `items` is a string holding JSON.
      return reply.code(200).send(envelope(0, 'ok', { count: catalog.regions.bj.length, items: JSON.stringify(catalog.regions.bj.slice(0, 2)) }));
    },
    catalog(): CatalogView {
      const lists = Object.fromEntries(DIDI_REGIONS.map((region) => [region, catalog.regions[region].map((image) => image.cimgUuid)]));
      return {
        ids: distinct(Object.values(lists).flat()),
        items: DIDI_REGIONS.flatMap((region) => catalog.regions[region]),
        lists,
      };
    },
  };
}

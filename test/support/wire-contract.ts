import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayAppOptions } from '../../apps/gateway/src/app.factory';

// Issue 11: what the document promises is what the wire carries. startGateway records every answer its gateway
// sends (through the factory's observeAnswer hook) and, on close, checks each against the OpenAPI document that
// same gateway serves; any drift fails the suite. Not recorded: gateways spawned as child processes (spawnGateway),
// whose answers never pass through this process, and the 400 written straight to the socket for a request the HTTP
// parser refuses (app.factory answerUnparsableRequest), which never reaches Fastify's hooks.

/** One answer as the router sent it, before compression. */
export interface RecordedAnswer {
  method: string;
  url: string;
  /** The matched route as an OpenAPI path (`/images/{id}`); undefined when no route matched (404, a malformed URL). */
  route?: string;
  status: number;
  headers: Record<string, string>;
  /** The body as text; undefined for a streamed one (a download), which is not checked. */
  body?: string;
}

/** Routes that are not operations of the document, each with why. */
const UNDOCUMENTED_ROUTES: Array<[pattern: RegExp, reason: string]> = [
  [/^\/docs(?:-json|\/.*)?$/, 'the document itself and the Swagger UI that renders it'],
];

/** The body of an answer outside the document's operations: the framework's 404 and 400 are problems like any other. */
const PROBLEM_SCHEMA = 'ProblemDto';

const DECODE: Record<string, (bytes: Buffer) => Buffer> = { identity: (bytes) => bytes, br: brotliDecompressSync, gzip: gunzipSync };

export function recordAnswers(): { answers: RecordedAnswer[]; observeAnswer: NonNullable<GatewayAppOptions['observeAnswer']> } {
  const answers: RecordedAnswer[] = [];
  const observeAnswer = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    // A route may hand over its answer compressed already (a cached list page): checked as the caller decodes it.
    const bytes = Buffer.isBuffer(payload) ? DECODE[headers['content-encoding'] ?? 'identity']?.(payload) : undefined;
    const body = typeof payload === 'string' ? payload : bytes !== undefined ? bytes.toString('utf8') : payload == null ? '' : undefined;
    const url = request.routeOptions.url;
    answers.push({ method: request.method, url: request.url, route: url === undefined ? undefined : url.replace(/:(\w+)/g, '{$1}'), status: reply.statusCode, headers, body });
  };
  return { answers, observeAnswer };
}

interface MediaObject { schema?: object }
interface HeaderObject { required?: boolean; schema?: { type?: string } }
interface ResponseObject { content?: Record<string, MediaObject>; headers?: Record<string, HeaderObject> }

/** Checks answers against one document; compiled schemas are kept for the next answer. */
export class WireContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction | Error>();

  constructor(private readonly document: OpenAPIObject) {
    addFormats(this.ajv);
    // OpenAPI 3.0's own formats for numbers; `binary` marks a file's bytes.
    for (const format of ['int32', 'int64', 'float', 'double', 'binary']) if (!this.ajv.formats[format]) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ components: { schemas: document.components?.schemas ?? {} } }, DOCUMENT_ID);
  }

  /** Every way the answer differs from what the document promises (empty when it keeps its word). */
  mismatches(answer: RecordedAnswer): string[] {
    const where = `${answer.method} ${answer.url} (route ${answer.route ?? 'none'}) answered ${answer.status}`;
    return this.check(answer).map((problem) => `${where}: ${problem}`);
  }

  private check(answer: RecordedAnswer): string[] {
    if (answer.route === undefined) return this.checkProblem(answer);
    // Outside the document a refusal is still a problem (the docs' own 401 and 403).
    const isProblem = (answer.headers['content-type'] ?? '').startsWith('application/problem+json');
    if (UNDOCUMENTED_ROUTES.some(([pattern]) => pattern.test(answer.route!))) return isProblem ? this.checkProblem(answer) : [];
    // A HEAD is its GET without the body (Fastify answers it from the GET route).
    const isHead = answer.method === 'HEAD';
    const method = isHead ? 'get' : answer.method.toLowerCase();
    // A CORS preflight is @fastify/cors's own answer on its catch-all route, not an operation.
    if (method === 'options' && answer.route === '*') return isProblem ? this.checkProblem(answer) : [];
    const operation = (this.document.paths[answer.route] as Record<string, { responses?: Record<string, ResponseObject> }> | undefined)?.[method];
    if (!operation) return [`${answer.method} ${answer.route} is not in the document`];
    const responses = operation.responses ?? {};
    const response = responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`] ?? responses.default;
    if (!response) return [`status ${answer.status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
    return [...this.checkHeaders(answer, response), ...(isHead ? [] : this.checkBody(answer, response))];
  }

  /** An answer outside the document's operations that must still be a problem (any status). */
  private checkProblem(answer: RecordedAnswer): string[] {
    const schema = this.document.components?.schemas?.[PROBLEM_SCHEMA] ? { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` } : undefined;
    const problems = answer.headers['x-request-id'] ? [] : ['no X-Request-Id'];
    if (!schema) return [...problems, `the document has no ${PROBLEM_SCHEMA} for answers no route produced`];
    return [...problems, ...this.checkBody(answer, { content: { 'application/problem+json': { schema } } })];
  }

  private checkHeaders(answer: RecordedAnswer, response: ResponseObject): string[] {
    const problems: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`the required header ${name} is missing`);
        continue;
      }
      if (!header.schema) continue;
      const typed = header.schema.type === 'integer' || header.schema.type === 'number' ? Number(value) : header.schema.type === 'boolean' ? value === 'true' : value;
      problems.push(...this.validate(header.schema, typed, `header ${name}`, value));
    }
    return problems;
  }

  private checkBody(answer: RecordedAnswer, response: ResponseObject): string[] {
    if (answer.body === undefined) return [];
    const content = response.content ?? {};
    const mediaType = (answer.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (Object.keys(content).length === 0) return answer.body === '' ? [] : [`a ${mediaType || 'body'} is sent where the document promises no body: ${snippet(answer.body)}`];
    if (answer.body === '' && (answer.status === 204 || answer.status === 304)) return [];
    const [, major] = /^([^/]+)\//.exec(mediaType) ?? [];
    const media = content[mediaType] ?? content[`${major}/*`] ?? content['*/*'];
    if (!media) return [`content type ${mediaType || '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`];
    if (!media.schema) return [];
    let body: unknown = answer.body;
    if (/json/.test(mediaType)) {
      try {
        body = JSON.parse(answer.body);
      } catch {
        return [`the ${mediaType} body is not JSON: ${snippet(answer.body)}`];
      }
    } else if ((media.schema as { format?: string }).format === 'binary') {
      return [];
    }
    return this.validate(media.schema, body, 'body', answer.body);
  }

  private validate(schema: object, value: unknown, what: string, raw: string): string[] {
    const key = JSON.stringify(schema);
    let validator = this.validators.get(key);
    if (!validator) {
      try {
        validator = this.ajv.compile(pointIntoDocument(schema));
      } catch (error) {
        validator = error as Error;
      }
      this.validators.set(key, validator);
    }
    if (validator instanceof Error) return [`the document's schema for the ${what} does not compile (${validator.message}): ${key.slice(0, 200)}`];
    if (validator(value)) return [];
    const errors = (validator.errors ?? []).slice(0, 5).map((error) => `${error.instancePath || '/'} ${error.message}${error.params && 'allowedValues' in error.params ? ` ${JSON.stringify(error.params.allowedValues)}` : ''}`);
    return [`the ${what} does not match the document: ${errors.join('; ')}; sent: ${snippet(raw)}`];
  }
}

const DOCUMENT_ID = 'openapi-document';

/** A response schema's `#/components/...` refs, pointed at the document's components registered in ajv. */
function pointIntoDocument(schema: object): object {
  return JSON.parse(JSON.stringify(schema), (key, value) => (key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${DOCUMENT_ID}${value}` : value));
}

function snippet(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** One error listing every answer that broke the document's promise (at most 20, then a count). */
export function assertAnswersMatchDocument(document: OpenAPIObject, answers: readonly RecordedAnswer[]): void {
  const contract = new WireContract(document);
  // One line per route, status and kind of mismatch: the first answer that showed it.
  const byKind = new Map<string, string>();
  for (const answer of answers) {
    for (const line of contract.mismatches(answer)) {
      const kind = `${answer.method} ${answer.route} ${answer.status} ${line.slice(line.indexOf(': ') + 2).split(': ')[0]}`;
      if (!byKind.has(kind)) byKind.set(kind, line);
    }
  }
  const mismatches = [...byKind.values()];
  if (mismatches.length === 0) return;
  const shown = mismatches.slice(0, 20).map((line) => `- ${line}`).join('\n');
  const more = mismatches.length > 20 ? `\n… and ${mismatches.length - 20} more` : '';
  throw new Error(`The gateway's answers differ from its OpenAPI document (/docs-json):\n${shown}${more}`);
}

// A closed gateway's drift is thrown by the e2e project's own afterAll (wire-setup.ts), after the spec's hooks inside
// its describes: thrown from close() it would skip the rest of the spec's afterAll, and the simulator left open keeps
// jest from exiting. A gateway closed after that hook has run throws at once.
const drifts: Error[] = [];
let driftHookDone = false;

/** Checks a closed gateway's answers; the error, if any, fails the spec file at its end. */
export function checkClosedGateway(document: OpenAPIObject, answers: readonly RecordedAnswer[], { now = false } = {}): void {
  try {
    assertAnswersMatchDocument(document, answers);
  } catch (error) {
    if (now || driftHookDone) throw error;
    drifts.push(error as Error);
  }
}

/** For the e2e project's setup file: fails the spec file when any gateway it closed drifted. */
export function throwCollectedDrift(): void {
  driftHookDone = true;
  const found = drifts.splice(0);
  if (found.length === 1) throw found[0];
  if (found.length > 1) throw new Error(found.map((error) => error.message).join('\n\n'));
}

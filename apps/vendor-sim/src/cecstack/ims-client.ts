import { CECSTACK_DOC_CREATE_REQUEST, CECSTACK_DOC_IMPORT_REQUEST } from '../fixtures/cecstack-examples';
import { RunningSim } from '../sim';
import { OWN_TENANT_ID } from './state';

// A minimal IMS caller over fetch, for the simulator's specs and for poking a running simulator by hand.

export const IMS_BASE = '/api/image/v1';

export interface ImsAnswer {
  status: number;
  headers: Headers;
  /** The envelope as JSON (specs read arbitrary fields of it), or the text of a body that is not JSON. */
  body: any;
}

export class ImsClient {
  constructor(private readonly sim: RunningSim) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.sim.credentials.cecstackToken}`, 'x-regionid': this.sim.credentials.cecstackRegionId, ...extra };
  }

  url(path: string): string {
    return `${this.sim.urls.cecstack}${IMS_BASE}${path}`;
  }

  /** `body` is sent as JSON; a string is sent as it is (for malformed-body checks). */
  async call(method: string, path: string, body?: unknown): Promise<ImsAnswer> {
    const response = await fetch(this.url(path), {
      method,
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return answerOf(response);
  }

  get(path: string): Promise<ImsAnswer> {
    return this.call('GET', path);
  }

  post(path: string, body: unknown): Promise<ImsAnswer> {
    return this.call('POST', path, body);
  }

  /** The record of one private image as the private list serves it, or undefined when it is not listed. */
  async privateImage(imageId: string): Promise<Record<string, unknown> | undefined> {
    const { body } = await this.get(`/private-images?current=1&size=10&filter=${encodeURIComponent(`imageId:eq:${imageId}`)}`);
    return body.data.list[0];
  }

  async admin(method: string, path: string, body?: unknown): Promise<ImsAnswer> {
    const response = await fetch(`${this.sim.urls.admin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return answerOf(response);
  }
}

/** The body as JSON, or as text when it is none (a fault's HTML page, a 404 from the router). */
async function answerOf(response: Response): Promise<ImsAnswer> {
  const text = await response.text();
  let body: unknown = text === '' ? undefined : text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, headers: response.headers, body };
}

/** The doc's create example (1.6.8) for our own tenant. */
export function createBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...CECSTACK_DOC_CREATE_REQUEST, tenantId: OWN_TENANT_ID, ...overrides };
}

/** The doc's import example (1.18.7) for our own tenant, without its data disk. */
export function importBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { volumeImages: _dataDisks, ...systemDiskOnly } = CECSTACK_DOC_IMPORT_REQUEST;
  return { ...systemDiskOnly, tenantId: OWN_TENANT_ID, ...overrides };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

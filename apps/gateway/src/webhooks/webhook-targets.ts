import { ConfigError } from '@images/core';
import { isMapping, readConfigDocument, readMountedFile } from '../config/env';
import { EVENT_TYPES, EventType } from '../events/event-bus';

/** One receiver of WEBHOOKS_FILE. */
export interface WebhookTarget {
  /** The metrics label and log name: never the URL, whose query may carry a credential. */
  name: string;
  url: URL;
  events: ReadonlySet<EventType>;
  /** The HMAC key (Standard Webhooks: a `whsec_` secret is its base64 key, any other its UTF-8 bytes). */
  secret: Buffer;
}

const NAME = /^[a-z0-9-]{1,32}$/;
const FIELDS = new Set(['name', 'url', 'events', 'secret', 'secretFile']);
/** A shorter key is guessable offline from one signed delivery. */
const MIN_SECRET_BYTES = 16;

/**
 * WEBHOOKS_FILE: `{"webhooks": [{url, events, secret | secretFile, name?}]}`, YAML or JSON. Every failure names the
 * file, the entry and the field, never a secret or the URL (which may carry one).
 */
export function loadWebhookTargets(path: string | null): { targets: WebhookTarget[]; secrets: string[] } {
  if (path === null) return { targets: [], secrets: [] };
  const fail = (reason: string) => new ConfigError(`WEBHOOKS_FILE ${path}`, reason);
  const document = readConfigDocument(path, fail);
  const entries = isMapping(document) ? document.webhooks : undefined;
  if (!Array.isArray(entries) || entries.length === 0) throw fail('must hold {"webhooks": [ … ]}, a list of at least one receiver');
  const targets = entries.map((entry, index) => readTarget(entry, index, fail));
  const names = new Set<string>();
  for (const [index, target] of targets.entries()) {
    if (names.has(target.name)) throw fail(`webhooks[${index}] name: ${target.name} is used by an earlier receiver too`);
    names.add(target.name);
  }
  // The URLs may carry credentials (userinfo, a token in the query): kept out of every output with the secrets.
  const secrets = targets.flatMap((target) => [target.secret.toString('utf8'), target.url.href, target.url.password, target.url.search.slice(1)]);
  return { targets, secrets: secrets.filter((secret) => secret.length >= 4) };
}

function readTarget(entry: unknown, index: number, fail: (reason: string) => ConfigError): WebhookTarget {
  const failField = (field: string, reason: string) => fail(`webhooks[${index}] ${field}: ${reason}`);
  if (!isMapping(entry)) throw fail(`webhooks[${index}]: must be a mapping of url, events and secret`);
  const unknown = Object.keys(entry).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) throw failField(unknown, `unknown field (${[...FIELDS].join(', ')})`);

  const name = entry.name ?? `webhook-${index}`;
  if (typeof name !== 'string' || !NAME.test(name)) throw failField('name', 'must be 1-32 of a-z, 0-9 and -');
  const url = typeof entry.url === 'string' && URL.canParse(entry.url) ? new URL(entry.url) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw failField('url', 'must be an http:// or https:// URL');

  const events = entry.events;
  if (!Array.isArray(events) || events.length === 0 || !events.every((type) => type === '*' || (EVENT_TYPES as readonly unknown[]).includes(type))) {
    throw failField('events', `must be a list of event types (${EVENT_TYPES.join(', ')}) or ["*"]`);
  }
  const subscribed = new Set<EventType>(events.includes('*') ? EVENT_TYPES : (events as EventType[]));

  if (entry.secret !== undefined && entry.secretFile !== undefined) throw failField('secretFile', 'and secret are both set: give one of them');
  let secretText: unknown = entry.secret;
  if (entry.secretFile !== undefined) {
    if (typeof entry.secretFile !== 'string') throw failField('secretFile', 'must be the path of a file');
    secretText = readMountedFile(entry.secretFile, (reason) => failField('secretFile', reason));
  }
  if (typeof secretText !== 'string') throw failField('secret', 'is missing (secret or secretFile)');
  const secret = secretText.startsWith('whsec_') ? Buffer.from(secretText.slice('whsec_'.length), 'base64') : Buffer.from(secretText, 'utf8');
  if (secret.length < MIN_SECRET_BYTES) throw failField('secret', `must be at least ${MIN_SECRET_BYTES} bytes`);
  return { name, url, events: subscribed, secret };
}

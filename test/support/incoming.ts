import type { IncomingMessage } from 'node:http';

/** A node:http answer's headers as fetch's Headers, so tests read either kind of answer the same way. */
export function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  return headers;
}

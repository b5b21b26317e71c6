import type { Readable } from 'node:stream';
import { GatewayError } from '@images/core';

// Pure helpers of the wire: encoding, parsing and reading answers.

/** An error answer is an envelope or a proxy's page: this much is plenty, and a vendor spewing a file as an error cannot fill memory. */
export const STREAM_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Aborted for a reason other than a budget running out. Budgets abort with a GatewayError (the engine)
 * or a TimeoutError (AbortSignal.timeout); anything else means the caller walked away.
 */
export function isCancellation(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return signal.aborted && !(reason instanceof GatewayError) && (reason as Error | undefined)?.name !== 'TimeoutError';
}

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** encodeURIComponent plus the characters RFC 3986 reserves but encodeURIComponent leaves (`!'()*`). */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parses a Retry-After header (seconds or HTTP date) into whole seconds. */
export function retryAfterSeconds(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

export function lowerCaseHeaders(raw: object | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

/** At most `limit` bytes of a body as text; the rest is not read (the stream is destroyed). */
export function readBounded(body: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8'));
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      size += bytes.length;
      if (size >= limit) {
        finish();
        body.destroy();
      }
    };
    body.on('data', onData);
    body.once('end', finish);
    body.once('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
  });
}

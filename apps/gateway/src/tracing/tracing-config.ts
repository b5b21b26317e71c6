import { ConfigError, Env } from '@images/core';
import { optionalText, safeDecode, safeUrl } from '../config/env';

export const OTLP_ENDPOINT_VARIABLE = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL (traces go to `{base}/v1/traces`), or null: tracing
 * off. A password in it (a collector behind basic auth) joins the secrets kept out of every output.
 */
export function otlpEndpoint(env: Env, secrets: string[]): string | null {
  const raw = optionalText(env, OTLP_ENDPOINT_VARIABLE);
  if (raw === null) return null;
  const url = safeUrl(raw);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigError(OTLP_ENDPOINT_VARIABLE, 'must be an http:// or https:// URL without a query (the OTLP/HTTP collector, e.g. http://otel-collector:4318)');
  }
  if (url.password) secrets.push(url.password, safeDecode(url.password));
  // The exporter reads its headers itself; a collector's API key sent in them is a credential like any other.
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) secrets.push(...headerValues(optionalText(env, name)));
  return raw;
}

/** The values of `key=value,key=value` (percent-encoded, as the OpenTelemetry specification has it). */
function headerValues(headers: string | null): string[] {
  if (headers === null) return [];
  return headers.split(',').flatMap((pair) => {
    const value = pair.slice(pair.indexOf('=') + 1).trim();
    return pair.includes('=') && value ? [value, safeDecode(value)] : [];
  });
}

/** Where OTLP/HTTP traces are posted: the signal's path under the base, as the OpenTelemetry specification has it. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

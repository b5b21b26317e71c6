import { ConfigError, GatewayError } from '@images/core';
import { UpstreamResponse, parseJson } from '@images/http';

/** A vendor answer as the HTTP wrapper hands it to a translator, for unit tests of readers and error tables. */
export function vendorResponse(status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, text, json: parseJson(text), latencyMs: 1 };
}

/** The GatewayError `fn` throws; anything else fails the test. */
export function thrownGatewayError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

/** The GatewayError `promise` rejects with; anything else fails the test. */
export async function rejectedGatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

/** The ConfigError `fn` throws (a start-up refusal); anything else fails the test. */
export function thrownConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

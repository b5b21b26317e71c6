import { ConfigError, Env } from './provider';

/** A trimmed variable; a blank one counts as unset, as `.env` files often carry `NAME=`. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * An http(s) endpoint: origin and an optional path prefix, without trailing slashes (request paths are appended).
 * UpstreamHttp sends only origin and path, so a query, fragment or user info would be silently lost: refused instead.
 */
export function parseHttpEndpoint(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, 'must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(variable, 'must be an http(s) URL');
  if (url.search || url.hash || url.username || url.password) throw new ConfigError(variable, 'must not carry a query, fragment or user info');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

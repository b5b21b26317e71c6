import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { GatewayError } from '@images/core';
import { ApiKeyEntry, SCOPES, Scope } from '../config/callers-config';
import { GatewayConfig } from '../config/gateway-config';
import { Caller } from './caller';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_CREDENTIAL_LENGTH = 8192;

/**
 * Who a request's credentials name, if anyone: an API key (`Authorization: Bearer <key>` or `X-Api-Key`), hashed and
 * compared in constant time with every configured hash; or a JWT verified against the JWKS (RS256, ES256; issuer and
 * audience when configured; keys refetched on an unknown `kid`). Null for no or unknown credentials.
 */
@Injectable()
export class Authenticator {
  private readonly keys: readonly ApiKeyEntry[];
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;

  constructor(private readonly config: GatewayConfig) {
    this.keys = config.callers.apiKeys;
    const jwt = config.callers.jwt;
    this.jwks = jwt ? createRemoteJWKSet(new URL(jwt.jwksUrl), { cooldownDuration: jwt.refetchCooldownMs, timeoutDuration: 5000 }) : null;
  }

  async identify(headers: Record<string, string | string[] | undefined>): Promise<Caller | null> {
    const credential = credentialOf(headers);
    if (credential === null) return null;
    if (credential.bearer && this.jwks && JWT_SHAPE.test(credential.value)) return this.fromJwt(credential.value);
    return this.fromApiKey(credential.value);
  }

  /** The caller, if it may use a route that needs `scope`: else 401 UNAUTHENTICATED, or 403 FORBIDDEN naming the scope. */
  async authorize(headers: Record<string, string | string[] | undefined>, scope: Scope): Promise<Caller> {
    const caller = await this.identify(headers);
    if (caller === null) throw new GatewayError('UNAUTHENTICATED', { detail: 'send a known API key (Authorization: Bearer <key>, or X-Api-Key) or a valid JWT' });
    if (!caller.scopes.has(scope)) throw new GatewayError('FORBIDDEN', { detail: `${caller.name} lacks the scope ${scope}`, extensions: { requiredScope: scope } });
    return caller;
  }

  private fromApiKey(key: string): Caller | null {
    const digest = createHash('sha256').update(key).digest();
    // Every entry is compared, so the time taken does not say which one (if any) matched.
    let found: ApiKeyEntry | null = null;
    for (const entry of this.keys) if (timingSafeEqual(digest, entry.sha256) && found === null) found = entry;
    return found ? { name: found.name, scopes: new Set(found.scopes), via: 'api-key' } : null;
  }

  private async fromJwt(token: string): Promise<Caller | null> {
    const jwt = this.config.callers.jwt!;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks!, {
        algorithms: ['RS256', 'ES256'],
        ...(jwt.issuer !== null ? { issuer: jwt.issuer } : {}),
        ...(jwt.audience !== null ? { audience: jwt.audience } : {}),
      }));
    } catch {
      // Expired, wrong issuer or audience, unknown key, bad signature, `alg: none`: all the same to the caller.
      return null;
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') return null;
    return { name: payload.sub, scopes: new Set(scopesOf(payload)), via: 'jwt' };
  }
}

/** `scope` (space-separated) or `scp` (an array, or a space-separated string); unknown scopes are ignored. */
function scopesOf(payload: JWTPayload): Scope[] {
  const raw = typeof payload.scope === 'string' ? payload.scope.split(' ') : Array.isArray(payload.scp) ? payload.scp : typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
  return raw.filter((scope): scope is Scope => typeof scope === 'string' && (SCOPES as readonly string[]).includes(scope));
}

function credentialOf(headers: Record<string, string | string[] | undefined>): { value: string; bearer: boolean } | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    return match && match[1].length <= MAX_CREDENTIAL_LENGTH ? { value: match[1], bearer: true } : null;
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' && apiKey.length <= MAX_CREDENTIAL_LENGTH ? { value: apiKey.trim(), bearer: false } : null;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { jwtVerify, type JWTPayload } from 'jose';
import { GatewayError } from '@images/core';
import { SCOPES, Scope } from '../config/callers-config';
import { GatewayConfig } from '../config/gateway-config';
import { Caller } from './caller';
import { JwksCache } from './jwks';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_CREDENTIAL_LENGTH = 8192;

/**
 * Who a request's credentials name, if anyone: an API key (`Authorization: Bearer <key>` or `X-Api-Key`), hashed and
 * compared in constant time with every configured hash; or a JWT verified against the JWKS (RS256, ES256; issuer and
 * audience when configured; keys refetched on an unknown `kid`). Null for no or unknown credentials.
 */
@Injectable()
export class Authenticator {
  /** Each configured key with the caller it stands for, built once. */
  private readonly keys: ReadonlyArray<{ sha256: Buffer; caller: Caller }>;
  private readonly jwks: JwksCache | null;

  constructor(private readonly config: GatewayConfig) {
    this.keys = config.callers.apiKeys.map((entry) => ({ sha256: entry.sha256, caller: { name: entry.name, scopes: new Set(entry.scopes), via: 'api-key' } }));
    const jwt = config.callers.jwt;
    this.jwks = jwt ? new JwksCache(jwt.jwksUrl, jwt.refetchCooldownMs) : null;
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
    if (caller === null) throw new GatewayError('UNAUTHENTICATED', { detail: 'no known API key or valid JWT was sent (as a Bearer token, or an X-Api-Key header)' });
    return this.permit(caller, scope);
  }

  /** The caller, if it holds `scope`; else 403 FORBIDDEN naming the scope. */
  permit(caller: Caller, scope: Scope): Caller {
    if (!caller.scopes.has(scope)) throw new GatewayError('FORBIDDEN', { detail: `${caller.name} lacks the scope ${scope}`, extensions: { requiredScope: scope } });
    return caller;
  }

  /**
   * A caller named earlier (by a stream ticket) as this replica's configuration has it now: a key's current scopes, or
   * null once its name is gone from AUTH_API_KEYS. A JWT's caller stands as its token said, until the token's `exp`.
   */
  recall(caller: Caller): Caller | null {
    if (caller.via === 'jwt') return this.jwks ? caller : null;
    return this.keys.find((entry) => entry.caller.name === caller.name)?.caller ?? null;
  }

  private fromApiKey(key: string): Caller | null {
    const digest = createHash('sha256').update(key).digest();
    // Every entry is compared, so the time taken does not say which one (if any) matched.
    let found: Caller | null = null;
    for (const entry of this.keys) if (timingSafeEqual(digest, entry.sha256) && found === null) found = entry.caller;
    return found;
  }

  private async fromJwt(token: string): Promise<Caller | null> {
    const jwt = this.config.callers.jwt!;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks!.getKey, {
        algorithms: ['RS256', 'ES256'],
        // A token that never expires, or names nobody, is not taken; clocks may differ a little.
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
        ...(jwt.issuer !== null ? { issuer: jwt.issuer } : {}),
        ...(jwt.audience !== null ? { audience: jwt.audience } : {}),
      }));
    } catch {
      // Expired, wrong issuer or audience, unknown key, bad signature, `alg: none`: all the same to the caller.
      return null;
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') return null;
    return { name: payload.sub, scopes: new Set(scopesOf(payload)), via: 'jwt', expiresAtMs: payload.exp! * 1000 };
  }
}

/** `scope` or `scp`, each a space-separated string or an array; unknown scopes are ignored. */
function scopesOf(payload: JWTPayload): Scope[] {
  const claim = payload.scope ?? payload.scp;
  const raw = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
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

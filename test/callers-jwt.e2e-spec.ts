import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { Gateway, getJson, sendJson, startGateway } from './support/stack';
import { useSim } from './support/suite-setup';

// API.md section 8, Identity: `Authorization: Bearer <JWT>` verified against a JWKS (RS256, ES256), with the issuer and
// audience when configured, keys refetched on an unknown `kid`. The JWKS is served by the test, on loopback.

const ISSUER = 'https://idp.test.example';
const AUDIENCE = 'images-gateway';

type SigningKey = { kid: string; alg: 'RS256' | 'ES256'; privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK };

async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint whose key set the test changes (rotation), counting its fetches. */
async function startJwks(): Promise<{ url: string; keys: JWK[]; fetches: number; close(): Promise<void> }> {
  const jwks = { url: '', keys: [] as JWK[], fetches: 0, close: async (): Promise<void> => undefined };
  const server: Server = createServer((_request, response) => {
    jwks.fetches++;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  jwks.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return jwks;
}

function token(key: SigningKey, claims: JWTPayload = {}, options: { issuer?: string; audience?: string; expiresIn?: string | number } = {}): Promise<string> {
  return new SignJWT({ scope: 'images.read', sub: 'svc-catalog', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(key.privateKey);
}

/** `alg: none`: a token with no signature at all. */
function unsignedToken(payload: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

describe('callers with JWTs', () => {
  let gateway: Gateway;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let rsa: SigningKey;
  let ec: SigningKey;
  useSim({}, {
    setUp: async ({ sim }) => {
      [rsa, ec] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256')]);
      jwks = await startJwks();
      jwks.keys = [rsa.jwk, ec.jwk];
      gateway = await startGateway(sim, {
        redis: false,
        env: { AUTH_DISABLED: 'false', AUTH_JWT_JWKS_URL: jwks.url, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_JWT_JWKS_COOLDOWN_MS: '0' },
      });
    },
    tearDown: async () => {
      await gateway?.close();
      await jwks?.close();
    },
  });
  const providers = (jwt: string) => getJson(`${gateway.url}/providers`, { authorization: `Bearer ${jwt}` });

  it('accepts RS256 and ES256 tokens from the JWKS, with scopes from `scope` or `scp`, and names the caller by `sub`', async () => {
    expect((await providers(await token(rsa))).status).toBe(200);
    const ecToken = await token(ec, { scope: undefined, scp: ['images.read', 'images.write'], sub: 'svc-deployer' });
    const answer = await providers(ecToken);
    expect(answer.status).toBe(200);
    // images.write from `scp`: a delete reaches the provider, which has no such image.
    const deleted = await sendJson('DELETE', `${gateway.url}/images/cecstack:img-nope`, undefined, { authorization: `Bearer ${ecToken}` });
    expect(deleted.body.code).toBe('NOT_FOUND');
    const line = gateway.logs.map((text) => JSON.parse(text)).find((entry) => entry.msg === 'request' && entry.reqId === answer.headers.get('x-request-id'));
    expect(line.caller).toBe('svc-deployer');
  });

  it('refuses a token without the scope with 403 naming it', async () => {
    const answer = await sendJson('DELETE', `${gateway.url}/images/cecstack:img-nope`, undefined, { authorization: `Bearer ${await token(rsa)}` });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'images.write' });
  });

  it.each([
    ['expired', () => token(rsa, {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['of another issuer', () => token(rsa, {}, { issuer: 'https://evil.example' })],
    ['for another audience', () => token(rsa, {}, { audience: 'another-api' })],
    ['without a subject', () => token(rsa, { sub: undefined })],
    ['that never expires', () => new SignJWT({ sub: 'svc', scope: 'images.read' }).setProtectedHeader({ alg: rsa.alg, kid: rsa.kid }).setIssuer(ISSUER).setAudience(AUDIENCE).sign(rsa.privateKey)],
    ['with alg none', async () => unsignedToken({ sub: 'svc', scope: 'images.read', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })],
    ['signed by another key under a known kid', async () => token({ ...(await signingKey('rsa-1', 'RS256')) })],
  ])('refuses a token %s with 401', async (_case, make) => {
    const answer = await providers(await make());
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('UNAUTHENTICATED');
    expect(answer.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('follows a key rotation: a new kid is fetched and accepted, an unknown one refused', async () => {
    const rotated = await signingKey('rsa-2', 'RS256');
    jwks.keys = [rotated.jwk];
    const fetchesBefore = jwks.fetches;
    expect((await providers(await token(rotated))).status).toBe(200);
    expect(jwks.fetches).toBeGreaterThan(fetchesBefore);
    const stranger = await signingKey('rsa-unknown', 'RS256');
    expect((await providers(await token(stranger))).status).toBe(401);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { JwksCache } from './jwks';

/** A JWKS endpoint whose keys and health the test sets, counting fetches. */
async function startJwks() {
  const state = { keys: [] as JWK[], failing: false, fetches: 0, url: '', server: null as Server | null };
  state.server = createServer((_request, response) => {
    state.fetches++;
    if (state.failing) return void response.writeHead(503).end('down');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => state.server!.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/jwks.json`;
  return state;
}

async function signer(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  const sign = () => new SignJWT({ sub: 's' }).setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime('5m').sign(privateKey);
  return { jwk, sign };
}

/** The key the cache resolves for a token, or the error it throws. */
async function resolve(cache: JwksCache, token: string): Promise<unknown> {
  return Promise.resolve(cache.getKey(decodeProtectedHeader(token) as never, { payload: '', signature: '' } as never)).then((key: unknown) => key, (error: unknown) => error);
}

describe('JwksCache', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  beforeEach(async () => {
    jwks = await startJwks();
  });
  afterEach(async () => {
    await new Promise((done) => jwks.server!.close(done));
  });

  it('fetches once, and keeps serving its keys through an outage of the provider', async () => {
    const a = await signer('a');
    jwks.keys = [a.jwk];
    const cache = new JwksCache(jwks.url, 60_000);
    expect(await resolve(cache, await a.sign())).not.toBeInstanceOf(Error);
    jwks.failing = true;
    for (let i = 0; i < 5; i++) expect(await resolve(cache, await a.sign())).not.toBeInstanceOf(Error);
    expect(jwks.fetches).toBe(1);
  });

  it('refetches for an unknown kid at most once per cooldown, failed fetches included', async () => {
    const a = await signer('a');
    jwks.keys = [a.jwk];
    const cache = new JwksCache(jwks.url, 60_000);
    await resolve(cache, await a.sign());
    jwks.failing = true;
    const forged = await signer('forged');
    // The first fetch was just now: within the cooldown, no forged kid makes another.
    for (let i = 0; i < 20; i++) expect(await resolve(cache, await forged.sign())).toBeInstanceOf(Error);
    expect(jwks.fetches).toBe(1);
  });

  it('follows a rotation once the cooldown allows, and a failed first fetch is retried only after it', async () => {
    const cache = new JwksCache(jwks.url, 0);
    jwks.failing = true;
    const a = await signer('a');
    expect(await resolve(cache, await a.sign())).toBeInstanceOf(Error);
    jwks.failing = false;
    jwks.keys = [a.jwk];
    expect(await resolve(cache, await a.sign())).not.toBeInstanceOf(Error);
    const b = await signer('b');
    jwks.keys = [b.jwk];
    expect(await resolve(cache, await b.sign())).not.toBeInstanceOf(Error);
    const slow = new JwksCache(jwks.url, 60_000);
    jwks.failing = true;
    await resolve(slow, await a.sign());
    jwks.failing = false;
    expect(await resolve(slow, await b.sign())).toBeInstanceOf(Error);
  });
});

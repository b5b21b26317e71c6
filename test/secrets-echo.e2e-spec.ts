import { CALLERS, bearer, callersEnv } from './support/callers';
import { Gateway, SimAdmin, simEnv, startGateway, startSim } from './support/stack';
import type { RunningSim } from '../apps/vendor-sim/src';

// API.md section 8, What callers never see: a vendor that echoes the signed request in its error (UCloud-style, with
// a public key in UCloud's documented `…@….com…` form, form-encoded and signed) leaves no encoding of any secret, and
// no `Signature=`, in problems, list sources, /providers, /health, /metrics or the logs.

const UCLOUD_PUBLIC_KEY = 'ucloudsomeone@example.com1296235120854146120';
const UCLOUD_PRIVATE_KEY = 'a@b+c/d=46DcKYCN8ZVcN4n1Z';

/** Every way a secret has been seen to travel: as is, URL- and form-encoded, base64 and base64url. */
function encodings(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    new URLSearchParams({ k: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
}

describe('secrets a vendor echoes back', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  const outputs: string[] = [];

  beforeAll(async () => {
    sim = await startSim({ credentials: { ucloudPublicKey: UCLOUD_PUBLIC_KEY, ucloudPrivateKey: UCLOUD_PRIVATE_KEY } });
    gateway = await startGateway(sim, { env: callersEnv({ PROVIDER_TIMEOUT_MS: '1500' }) });
    const admin = new SimAdmin(sim);
    // The simulator itself echoes the form-encoded, signed request: the key's %40 and the Signature are in its answer.
    await admin.fault('ucloud', { kind: 'error', code: 171, echoCredentials: true });
    const read = async (path: string, caller = CALLERS.everything) => outputs.push(await (await fetch(`${gateway.url}${path}`, { headers: bearer(caller) })).text());
    await read('/images?provider=ucloud&refresh=true');
    await read('/images?refresh=true&limit=1');
    await read('/images/ucloud:uodn-image-nope');
    await read('/providers');
    await read('/health');
    await read('/metrics');
    await admin.clearFaults();
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  it('the simulator really echoes the encoded key and the signature', async () => {
    const env = simEnv(sim);
    const body = new URLSearchParams({ Action: 'GetUvodnImage', PublicKey: env.UCLOUD_PUBLIC_KEY, Signature: 'deadbeef' }).toString();
    await new SimAdmin(sim).fault('ucloud', { kind: 'error', code: 171, echoCredentials: true });
    const echoed = await (await fetch(sim.urls.ucloud, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).text();
    await new SimAdmin(sim).clearFaults();
    expect(echoed).toContain('ucloudsomeone%40example.com');
    expect(echoed).toContain('Signature=deadbeef');
  });

  it('reached the gateway, and was scrubbed everywhere the gateway answers or logs', () => {
    const everything = [...outputs, ...gateway.logs].join('\n');
    expect(outputs[0]).toContain('UPSTREAM_AUTH_FAILED');
    expect(everything).toContain('[REDACTED]');
    for (const secret of [UCLOUD_PUBLIC_KEY, UCLOUD_PRIVATE_KEY, ...Object.values(CALLERS).map((caller) => caller.key)]) {
      for (const encoded of encodings(secret)) expect({ secret, found: everything.includes(encoded) }).toEqual({ secret, found: false });
    }
    expect(everything).not.toMatch(/Signature=(?!\[REDACTED\])/);
  });

  it("shows a provider's last error in /providers and /health as its code and the gateway's words only", () => {
    const providers = JSON.parse(outputs[3]).providers as Array<{ id: string; lastError: { code: string; detail: string } | null }>;
    expect(providers.find((provider) => provider.id === 'ucloud')?.lastError).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED', detail: "The provider rejected the gateway's credentials" });
    const health = JSON.parse(outputs[4]);
    expect(health.details['provider:ucloud']).toMatchObject({ status: 'degraded', lastError: { code: 'UPSTREAM_AUTH_FAILED', detail: "The provider rejected the gateway's credentials" } });
  });
});

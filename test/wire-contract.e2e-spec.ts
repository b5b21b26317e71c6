import { RunningSim } from '../apps/vendor-sim/src';
import { Gateway, getJson, startGateway, startSim } from './support/stack';
import { RecordedAnswer, WireContract } from './support/wire-contract';

// The wire check must catch drift, or every suite that relies on it passes for nothing.
describe('the wire check against the served OpenAPI document', () => {
  let sim: RunningSim;
  let gateway: Gateway;
  let contract: WireContract;
  let imageAnswer: RecordedAnswer;

  beforeAll(async () => {
    sim = await startSim();
    gateway = await startGateway(sim);
    contract = new WireContract(gateway.app.document);
    const { body } = await getJson(`${gateway.url}/images?limit=1`);
    await getJson(`${gateway.url}/images/${encodeURIComponent(body.items[0].id)}`);
    imageAnswer = gateway.answers.find((answer) => answer.route === '/images/{id}' && answer.status === 200)!;
  });

  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
  });

  const tampered = (change: (answer: RecordedAnswer, body: Record<string, unknown>) => void): RecordedAnswer => {
    const answer = structuredClone(imageAnswer);
    const body = JSON.parse(answer.body!);
    change(answer, body);
    return { ...answer, body: answer.body === imageAnswer.body ? JSON.stringify(body) : answer.body };
  };

  it('passes the answer the gateway really sent', () => {
    expect(imageAnswer).toBeDefined();
    expect(contract.mismatches(imageAnswer)).toEqual([]);
  });

  it('catches a body missing a required field', () => {
    expect(contract.mismatches(tampered((_, body) => delete body.providerImageId))).toEqual([
      expect.stringMatching(/GET \/images\/.* \(route \/images\/\{id\}\) answered 200: the body does not match the document: \/ must have required property 'providerImageId'/),
    ]);
  });

  it('catches null where the document does not allow it, and a value outside an enum', () => {
    const [mismatch] = contract.mismatches(tampered((_, body) => Object.assign(body, { regions: null, status: 'melting' })));
    expect(mismatch).toMatch(/\/regions must be array/);
    expect(mismatch).toMatch(/\/status must be equal to one of the allowed values/);
  });

  it('catches a status the operation does not document', () => {
    expect(contract.mismatches(tampered((answer) => (answer.status = 418)))).toEqual([expect.stringMatching(/answered 418: status 418 is not documented \(documented: 200, /)]);
  });

  it('catches a content type the operation does not document', () => {
    expect(contract.mismatches(tampered((answer) => (answer.headers['content-type'] = 'text/html')))).toEqual([expect.stringMatching(/content type text\/html is not documented/)]);
  });

  it('catches a required header that is missing', () => {
    expect(contract.mismatches(tampered((answer) => delete answer.headers['x-request-id']))).toEqual([expect.stringMatching(/the required header X-Request-Id is missing/)]);
  });

  it('catches a route the document does not have, and an answer outside its operations that is not a problem', () => {
    expect(contract.mismatches(tampered((answer) => (answer.route = '/images/{id}/colour')))).toEqual([expect.stringMatching(/GET \/images\/\{id\}\/colour is not in the document/)]);
    const unrouted = tampered((answer) => Object.assign(answer, { route: undefined, headers: { ...answer.headers, 'content-type': 'application/problem+json' } }));
    expect(contract.mismatches({ ...unrouted, route: '/docs-json' })[0]).toMatch(/route \/docs-json\) answered 200: the body does not match the document: \/ must have required property/);
    expect(contract.mismatches(unrouted)[0]).toMatch(/route none\) answered 200: the body does not match the document: \/ must have required property/);
  });

  it('makes close() fail when an answer drifted from the document', async () => {
    const other = await startGateway(sim, { redis: false });
    expect((await getJson(`${other.url}/providers`)).status).toBe(200);
    delete (other.app.document.paths['/providers'].get!.responses as Record<string, unknown>)['200'];
    await expect(other.close({ checkNow: true })).rejects.toThrow(/GET \/providers \(route \/providers\) answered 200: status 200 is not documented/);
  });
});

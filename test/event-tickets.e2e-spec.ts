import { Image } from '@images/core';
import { RunningSim } from '../apps/vendor-sim/src';
import { CALLERS, bearer, callersEnv } from './support/callers';
import { EventStream, ReadEvent, openEvents } from './support/events';
import { Gateway, getJson, sendJson, startGateway, startSim } from './support/stack';
import { eventually, sleep } from './support/suite-setup';

// Stream tickets (API.md section 9): what lets a browser's EventSource, which sends no headers, open GET /events as a
// caller with a key. Issued by one replica, taken by another sharing Redis; never a key, never in a log.
const TICKET_TTL_SECONDS = 5;

describe('stream tickets for GET /events', () => {
  let sim: RunningSim;
  let issuer: Gateway;
  let other: Gateway;
  const streams: EventStream[] = [];
  const open = async (url: string, headers: Record<string, string> = {}) => {
    const stream = await openEvents(url, headers);
    streams.push(stream);
    return stream;
  };
  const askTicket = (gateway: Gateway, headers: Record<string, string>) => sendJson('POST', `${gateway.url}/events/tickets`, undefined, headers);
  const imageChanged = (id: string) => (event: ReadEvent) => event.event === 'image.changed' && event.data.image.id === id;

  beforeAll(async () => {
    sim = await startSim();
    const env = callersEnv({ EVENTS_TICKET_TTL_SECONDS: String(TICKET_TTL_SECONDS), EVENTS_HEARTBEAT_MS: '200' });
    issuer = await startGateway(sim, { env });
    other = await startGateway(sim, { keyPrefix: issuer.keyPrefix, env });
    await getJson(`${issuer.url}/images?provider=didi&limit=1`, bearer(CALLERS.reader));
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    for (const gateway of [other, issuer]) await gateway?.close();
    await sim?.close();
  });

  it('is issued to a caller with images.read, unstored and unreplayable, and refused to one without', async () => {
    const answer = await askTicket(issuer, { ...bearer(CALLERS.reader), 'idempotency-key': 'ticket-e2e-1' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.ticket).toMatch(/^est_[A-Za-z0-9_-]{43}$/);
    const lifetime = Date.parse(answer.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan((TICKET_TTL_SECONDS - 2) * 1000);
    expect(lifetime).toBeLessThanOrEqual(TICKET_TTL_SECONDS * 1000);
    // The same Idempotency-Key runs again (a no-store answer is never kept): a second, different ticket.
    const again = await askTicket(issuer, { ...bearer(CALLERS.reader), 'idempotency-key': 'ticket-e2e-1' });
    expect(again.body.ticket).not.toBe(answer.body.ticket);
    expect((await askTicket(issuer, {})).status).toBe(401);
    expect((await askTicket(issuer, bearer(CALLERS.operator))).body).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'images.read' });
  });

  it('opens a stream on another replica as its caller, which then sees a change made through the first', async () => {
    const { ticket } = (await askTicket(issuer, bearer(CALLERS.reader))).body;
    const stream = await open(`${other.url}/events?provider=didi&ticket=${ticket}`);
    expect(stream.status).toBe(200);
    const images = (await getJson(`${issuer.url}/images?provider=didi&limit=200`, bearer(CALLERS.reader))).body.items as Image[];
    const target = images.find((image) => image.visibility === 'private' && image.status === 'available')!;
    expect((await sendJson('PATCH', `${issuer.url}/images/${target.id}`, { name: 'e2e ticket rename' }, bearer(CALLERS.writer))).status).toBe(200);
    const changed = await stream.next(imageChanged(target.id));
    expect(changed.data.image.name).toBe('e2e ticket rename');

    // A new EventSource cannot send Last-Event-ID: the query parameter resumes it the same way.
    expect((await sendJson('PATCH', `${issuer.url}/images/${target.id}`, { name: 'e2e ticket rename 2' }, bearer(CALLERS.writer))).status).toBe(200);
    const second = await stream.next((event) => imageChanged(target.id)(event) && event.data.image.name === 'e2e ticket rename 2');
    const resumed = await open(`${other.url}/events?provider=didi&ticket=${ticket}&lastEventId=${changed.id}`);
    expect((await resumed.next(imageChanged(target.id))).id).toBe(second.id);

    // The caller is the key's, in the access log (written when a stream ends), and the ticket is in no log line.
    stream.close();
    resumed.close();
    await eventually(async () => other.logs.filter((line) => line.includes('"caller":"reader"') && line.includes('ticket=[REDACTED]')).length, (count) => count === 2);
    const logs = [...issuer.logs, ...other.logs].join('\n');
    expect(logs).not.toContain(ticket.slice(4));
  });

  it('opens GET /events only: any other route answers 401 to a ticket', async () => {
    const { ticket } = (await askTicket(issuer, bearer(CALLERS.reader))).body;
    expect((await getJson(`${issuer.url}/images?ticket=${ticket}`)).status).toBe(401);
    expect((await getJson(`${issuer.url}/providers?ticket=${ticket}`)).status).toBe(401);
    expect((await getJson(`${issuer.url}/events?ticket=est_${'x'.repeat(43)}`)).body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('counts a ticket caller against its own stream cap, as with its key', async () => {
    const { ticket } = (await askTicket(issuer, bearer(CALLERS.filer))).body;
    const held: EventStream[] = [];
    for (let i = 0; i < 5; i += 1) held.push(await open(`${issuer.url}/events?ticket=${ticket}`));
    expect(held.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await getJson(`${issuer.url}/events`, bearer(CALLERS.filer))).status).toBe(429);
    for (const stream of held) stream.close();
  });

  it('opens nothing once expired', async () => {
    const { ticket, expiresAt } = (await askTicket(issuer, bearer(CALLERS.reader))).body;
    await sleep(Date.parse(expiresAt) - Date.now() + 100);
    for (const gateway of [issuer, other]) expect((await getJson(`${gateway.url}/events?ticket=${ticket}`)).body).toMatchObject({ code: 'UNAUTHENTICATED' });
  }, 15_000);
});

import { openEvents } from './support/events';
import { GatewayProcess, spawnGateway } from './support/processes';
import { deleteKeysWithPrefix, testRedisClient, testRedisUrl, uniquePrefix } from './support/redis';
import { getJson, simEnv } from './support/stack';
import { sleep, useSim } from './support/suite-setup';

// Resilience at shutdown: the built gateway as its own process, stopped with SIGTERM while a slow request is in flight.

/** What the gateway's last log line ("closed") says: whether everything finished within the grace. */
function closedCleanly(lines: string[]): boolean | undefined {
  return lines.map((line) => { try { return JSON.parse(line) as { msg?: string; clean?: boolean }; } catch { return {}; } }).find((l) => l.msg === 'closed')?.clean;
}

async function stopAndForget(gateway: GatewayProcess, prefix: string): Promise<void> {
  await gateway.kill('SIGKILL');
  const redis = testRedisClient();
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
}

describe('graceful shutdown', () => {
  const suite = useSim({}, { tearDown: ({ admin }) => admin.clearFaults() });

  it('on SIGTERM turns readiness to 503, finishes the slow request in flight, closes cleanly and exits 0', async () => {
    const prefix = uniquePrefix('shutdown');
    const gateway = await spawnGateway({ ...simEnv(suite.sim), REDIS_URL: testRedisUrl(), CACHE_KEY_PREFIX: prefix, SHUTDOWN_DELAY_MS: '400', PROVIDER_TIMEOUT_MS: '5000' });
    try {
      await suite.admin.fault('cecstack', { kind: 'latency', latencyMs: 1500 });
      const slow = getJson(`${gateway.url}/images?provider=cecstack&limit=2`);
      await sleep(300);
      gateway.child.kill('SIGTERM');
      await sleep(100);
      expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(503);
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.body.items).toHaveLength(2);
      const exitCode = await gateway.exited;
      if (exitCode !== 0) console.log(gateway.lines.join('\n'));
      expect(exitCode).toBe(0);
      expect(closedCleanly(gateway.lines)).toBe(true);
    } finally {
      await stopAndForget(gateway, prefix);
    }
  });

  it('ends open event streams when it drains, instead of waiting the whole grace for them', async () => {
    const prefix = uniquePrefix('shutdown-events');
    const gateway = await spawnGateway({ ...simEnv(suite.sim), REDIS_URL: testRedisUrl(), CACHE_KEY_PREFIX: prefix, SHUTDOWN_DELAY_MS: '0', SHUTDOWN_GRACE_MS: '20000' });
    try {
      const stream = await openEvents(`${gateway.url}/events`);
      expect(stream.status).toBe(200);
      const started = performance.now();
      gateway.child.kill('SIGTERM');
      await stream.ended;
      expect(await gateway.exited).toBe(0);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(closedCleanly(gateway.lines)).toBe(true);
    } finally {
      await stopAndForget(gateway, prefix);
    }
  });
});

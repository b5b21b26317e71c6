import { setTimeout as sleep } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import type { GatewayConfig } from '../config/gateway-config';
import { MetricsService } from '../metrics/metrics.service';
import { ChunkReclaimer } from './chunk-reclaimer';
import type { DownloadSlots } from './download-slots';

const CHUNK = 64 * 1024;

function reclaimerEvery(mib: number, slots: Pick<DownloadSlots, 'active'> = { active: 1 }) {
  const metrics = new MetricsService();
  const reclaimer = new ChunkReclaimer({ limits: { downloadReclaimEveryMib: mib } } as GatewayConfig, metrics, slots as DownloadSlots, pino({ level: 'silent' }));
  const collections = async () => {
    const text = await metrics.registry.getSingleMetricAsString('gateway_download_reclaim_duration_seconds');
    return Number(/gateway_download_reclaim_duration_seconds_count (\d+)/.exec(text)?.[1]);
  };
  return { reclaimer, metrics, collections };
}

/** Chunks made and dropped, as a relay drops them once written; not from Node's pool, so each is its own allocation. */
function dropChunks(count: number): void {
  for (let i = 0; i < count; i++) Buffer.allocUnsafeSlow(CHUNK).fill(1);
}

describe('ChunkReclaimer', () => {
  it('collects once per DOWNLOAD_RECLAIM_EVERY_MIB relayed, and times each collection', async () => {
    const { reclaimer, metrics, collections } = reclaimerEvery(1);
    // 2.5 MiB in 64 KiB chunks: past 1 MiB twice.
    for (let i = 0; i < 40; i++) reclaimer.relayed(CHUNK);
    expect(await collections()).toBe(2);
    metrics.onModuleDestroy();
  });

  it('stretches the interval by the downloads in flight (a chunk in flight at two collections would be promoted), and counts no download as one', async () => {
    const slots = { active: 4 };
    const { reclaimer, metrics, collections } = reclaimerEvery(1, slots);
    // 6 MiB with 4 downloads in flight: one collection every 4 MiB.
    for (let i = 0; i < 96; i++) reclaimer.relayed(CHUNK);
    expect(await collections()).toBe(1);
    slots.active = 0;
    // 2 MiB were counted since; 1 MiB more is past the interval of one download.
    for (let i = 0; i < 16; i++) reclaimer.relayed(CHUNK);
    expect(await collections()).toBe(2);
    metrics.onModuleDestroy();
  });

  it('frees the chunks a relay dropped, without waiting for V8 to notice the external memory', async () => {
    const { reclaimer, metrics } = reclaimerEvery(1);
    await sleep(100);
    dropChunks(256);
    const held = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 16; i++) reclaimer.relayed(CHUNK);
    // The buffers' memory goes back as the collection's sweeping finishes, on a thread of its own.
    await sleep(100);
    expect(held - process.memoryUsage().arrayBuffers).toBeGreaterThan(12 * 2 ** 20);
    metrics.onModuleDestroy();
  });

  it('leaves no global gc in contexts made afterwards', () => {
    const { metrics } = reclaimerEvery(1);
    expect(runInNewContext('typeof gc')).toBe('undefined');
    metrics.onModuleDestroy();
  });

  it('never collects with DOWNLOAD_RECLAIM_EVERY_MIB=0', async () => {
    const { reclaimer, metrics, collections } = reclaimerEvery(0);
    for (let i = 0; i < 1000; i++) reclaimer.relayed(CHUNK);
    expect(await collections()).toBe(0);
    metrics.onModuleDestroy();
  });
});

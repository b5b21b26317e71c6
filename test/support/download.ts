import { get } from 'node:http';
import { headersOf } from './incoming';

/**
 * Reads a download to its end while sampling this process's resident memory (the gateway runs in it): the status,
 * headers, bytes received and the peak growth over the start, in MiB. Read with node:http, each chunk dropped as it
 * comes: fetch's web stream would hold chunks of its own in this process, and the growth would be the client's too.
 */
export async function downloadMeasuringMemory(url: string): Promise<{ status: number; headers: Headers; received: number; growthMiB: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const { status, headers, received } = await new Promise<{ status: number; headers: Headers; received: number }>((resolve, reject) => {
      get(url, (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: headersOf(response), received }));
      }).on('error', reject);
    });
    return { status, headers, received, growthMiB: (peak - baseline) / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

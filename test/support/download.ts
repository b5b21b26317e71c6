/**
 * Reads a download to its end while sampling this process's resident memory (the gateway runs in it):
 * the status, headers, bytes received and the peak growth over the start, in MiB.
 */
export async function downloadMeasuringMemory(url: string): Promise<{ status: number; headers: Headers; received: number; growthMiB: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const response = await fetch(url);
    let received = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
    return { status: response.status, headers: response.headers, received, growthMiB: (peak - baseline) / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

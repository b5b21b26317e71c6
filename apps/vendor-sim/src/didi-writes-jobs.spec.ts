import { BJ_SNAPSHOT, Job, client, ownReady } from './didi-writes-spec-support';
import { RunningSim, startVendorSim } from './index';

describe('DiDi simulator: jobs run to the end (stepMs 50)', () => {
  const STEP_MS = 50;
  let sim: RunningSim;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startVendorSim({ stepMs: STEP_MS });
    api = client(sim);
  });
  afterAll(() => sim.close());

  /** Polls the job until done; returns every progress seen and when it was first done. */
  async function follow(jobUuid: string): Promise<{ seen: number[]; final: Job }> {
    const seen: number[] = [];
    for (;;) {
      const [job] = await api.jobs([jobUuid]);
      seen.push(job.progress);
      if (job.done) return { seen, final: job };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it.each([
    ['create', () => ({ regionId: 'bj', cimg: [{ name: 'ready-soon', snapUuid: BJ_SNAPSHOT.snapUuid }] }), 'bj'],
    ['import', async () => ({ regionId: 'gz', cimg: [{ name: 'copy-ready-soon', originImageUuid: ownReady(await api.list('bj'))[0].cimgUuid, originRegionId: 'bj' }] }), 'gz'],
  ] as const)('%s: progress rises in steps of 50 to done, and the image becomes Ready', async (operation, body, region) => {
    const payload = await body();
    const startedBefore = Date.now();
    const [job] = await api.write(operation, payload);
    const { seen, final } = await follow(job.jobUuid);
    expect(Date.now() - startedBefore).toBeGreaterThanOrEqual(2 * STEP_MS);
    expect(seen.every((progress) => [0, 50, 100].includes(progress))).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(final).toMatchObject({ progress: 100, done: true, success: true, status: 'Succeeded', result: '', resourceUuid: job.resourceUuid });
    const image = await api.find(region, job.resourceUuid);
    expect(image.status).toBe('Ready');
    expect(image).not.toHaveProperty('job');
  });
});

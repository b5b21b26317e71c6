import { DIDI_SNAPSHOTS, DidiCatalog, DidiImage, buildDidiCatalog } from './catalogs/didi';
import { DidiError } from './didi/requests';
import { DidiStore } from './didi/store';

// The job clock with a hand-driven time, so every step boundary is checked exactly.

const STEP_MS = 1000;
const BJ_SNAPSHOT = DIDI_SNAPSHOTS.find((snapshot) => snapshot.regionId === 'bj')!.snapUuid;

function storeAt(start: number, stepMs = STEP_MS, catalog: DidiCatalog = buildDidiCatalog()) {
  const clock = { now: start };
  return { clock, store: new DidiStore(catalog, stepMs, () => clock.now) };
}

function ok<T>(value: T | DidiError): T {
  if (value instanceof DidiError) throw new Error(`unexpected errno ${value.errno}: ${value.detail}`);
  return value;
}

describe('DiDi job clock', () => {
  it('moves a create 0 → 50 → 100 on the step boundaries, then makes the image Ready without a job', () => {
    const { clock, store } = storeAt(1_000_000);
    const [job] = ok(store.create('bj', [{ name: 'clocked', snapUuid: BJ_SNAPSHOT, description: '' }]));
    const image = () => store.list('bj').find((candidate) => candidate.cimgUuid === job.resourceUuid)!;
    const progress = () => store.findJobs([job.jobUuid])[0];

    expect(progress()).toMatchObject({ progress: 0, done: false, success: false, status: 'Processing' });
    expect(image()).toMatchObject({ status: 'Creating', job: { jobUuid: job.jobUuid, progress: 0 } });
    clock.now += STEP_MS - 1;
    expect(progress().progress).toBe(0);
    clock.now += 1;
    expect(progress()).toMatchObject({ progress: 50, done: false });
    expect(image()).toMatchObject({ status: 'Creating', job: { progress: 50 } });
    clock.now += STEP_MS - 1;
    expect(progress()).toMatchObject({ progress: 50, done: false });
    clock.now += 1;
    expect(progress()).toMatchObject({ progress: 100, done: true, success: true, status: 'Succeeded', result: '' });
    expect(image().status).toBe('Ready');
    expect(image().job).toBeUndefined();
    expect(image().updateTime).toBe(1_000_000 + 2 * STEP_MS);
    clock.now += 10 * STEP_MS;
    expect(progress()).toMatchObject({ progress: 100, done: true, success: true });
  });

  it('finishes at once when stepMs is 0', () => {
    const { store } = storeAt(5, 0);
    const [job] = ok(store.create('bj', [{ name: 'instant', snapUuid: BJ_SNAPSHOT, description: '' }]));
    expect(job).toMatchObject({ progress: 100, done: true, success: true });
    expect(store.list('bj')[0]).toMatchObject({ cimgUuid: job.resourceUuid, status: 'Ready' });
  });

  it('fails the create job of an image deleted while it is built, and never revives it', () => {
    const { clock, store } = storeAt(0);
    const [created] = ok(store.create('bj', [{ name: 'doomed', snapUuid: BJ_SNAPSHOT, description: '' }]));
    clock.now += STEP_MS;
    const [deleted] = ok(store.delete('bj', [{ cimgUuid: created.resourceUuid }]));
    expect(deleted).toMatchObject({ type: 'DeleteCIMG', done: true, success: true, resourceUuid: created.resourceUuid });
    clock.now += 5 * STEP_MS;
    expect(store.findJobs([created.jobUuid])[0]).toMatchObject({ done: true, success: false, status: 'Failed', progress: 50, result: expect.stringMatching(/deleted/) });
    expect(store.list('bj').some((image) => image.cimgUuid === created.resourceUuid)).toBe(false);
  });

  it('leaves the seeded creating images where they are, with queryable jobs', () => {
    const { clock, store } = storeAt(0);
    const seeded = store.list('bj').filter((image) => image.status === 'Creating');
    expect(seeded.length).toBeGreaterThan(0);
    clock.now += 100 * STEP_MS;
    for (const image of seeded) {
      const [job] = store.findJobs([image.job!.jobUuid]);
      expect(job).toMatchObject({ done: false, type: 'CreateCIMG', resourceUuid: image.cimgUuid, status: 'Processing', uuid: job.jobUuid });
      expect(image.status).toBe('Creating');
    }
  });

  it('deletes an image that is in two regions from one region only', () => {
    const catalog = buildDidiCatalog();
    const shared: DidiImage = catalog.regions.bj.find((image) => image.regions.length === 2)!;
    // The seeded two-region images are all standard; make one the account's own.
    shared.type = 'custom';
    const { store } = storeAt(0, STEP_MS, catalog);
    ok(store.delete('gz', [{ cimgUuid: shared.cimgUuid }]));
    expect(store.list('gz').some((image) => image.cimgUuid === shared.cimgUuid)).toBe(false);
    const left = store.list('bj').find((image) => image.cimgUuid === shared.cimgUuid)!;
    expect(left.regions).toEqual(['bj']);
    expect(left.zones).toEqual(['bj01']);
    expect(left.backupStorages.every((storage) => storage.zone === 'BJ01')).toBe(true);
  });
});

import { randomBytes, randomInt } from 'node:crypto';
import { DIDI_REGIONS, DIDI_SNAPSHOTS, DIDI_ZONES, DidiCatalog, DidiImage, DidiJob, DidiRegion, backupStoragesFor } from '../catalogs/didi';
import { ChangeNameItem, CreateItem, DIDI_ERRNO, DeleteItem, DidiError, ImportItem } from './requests';

// The DiDi account's state behind the CIMG calls: the region lists, the jobs, and images being built.
// Jobs advance lazily (on every read) from their start time, so there are no timers to stop on close.

export const DIDI_JOB_TYPES = {
  create: 'CreateCIMG',
  import: 'ImportCIMG',
  delete: 'DeleteCIMG',
  changeName: 'ChangeCIMGName',
} as const;

/** Job `status` values: the doc shows 'Processing'; the finished ones are the simulator's (clients read done/success). */
export const DIDI_JOB_STATUS = { running: 'Processing', succeeded: 'Succeeded', failed: 'Failed' } as const;

/** Image status while a create or import runs (the name the seeded catalog uses), and once it is done. */
export const DIDI_IMAGE_STATUS = { creating: 'Creating', ready: 'Ready' } as const;

/** A create or import moves 0 → 50 → 100: two steps of `stepMs`. */
const PROGRESS_PER_STEP = 50;
const STEPS_TO_FINISH = 100 / PROGRESS_PER_STEP;

/** The fields a new image takes from its snapshot or from the image it copies. */
type ImageSource = Pick<DidiImage, 'osArch' | 'osFamily' | 'osVersion' | 'platform' | 'size' | 'requirement' | 'scenes'>;

interface Build {
  job: DidiJob;
  image: DidiImage;
  startedAt: number;
}

function newUuid(): string {
  return randomBytes(16).toString('hex');
}

function newCimgId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `cimg-${Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
}

/** Only the account's own custom images may be copied, renamed or deleted (the list doc: shared ones cannot be copied). */
function ownedByAccount(image: DidiImage): boolean {
  return image.type === 'custom' && !image.isShared;
}

function job(type: string, resourceUuid: string, state: { progress: number; done: boolean; success: boolean; status: string }): DidiJob {
  const jobUuid = newUuid();
  return { jobUuid, resourceUuid, type, ...state, result: '', resourceType: 'cimg', uuid: jobUuid };
}

/** Synchronous changes (rename, delete) answer a job that is already done. */
function finishedJob(type: string, resourceUuid: string): DidiJob {
  return job(type, resourceUuid, { progress: 100, done: true, success: true, status: DIDI_JOB_STATUS.succeeded });
}

export class DidiStore {
  /** Every job answered so far (and the seeded catalog's), so `result` reports finished ones too. */
  private readonly jobs = new Map<string, DidiJob>();
  /** Creates and imports still running, by jobUuid. */
  private readonly builds = new Map<string, Build>();

  constructor(
    private readonly catalog: DidiCatalog,
    private readonly stepMs: number,
    private readonly now: () => number = Date.now,
  ) {
    // The seeded creating images stand for long-running work: their jobs can be queried but do not advance.
    for (const region of DIDI_REGIONS) {
      for (const image of catalog.regions[region]) if (image.job !== undefined) this.jobs.set(image.job.jobUuid, image.job);
    }
  }

  /** The region's list, newest first, as of now. */
  list(region: DidiRegion): readonly DidiImage[] {
    this.settle();
    return this.catalog.regions[region];
  }

  /** The known jobs among `jobUuids`, in that order; unknown ids are left out. */
  findJobs(jobUuids: readonly string[]): DidiJob[] {
    this.settle();
    return jobUuids.flatMap((id) => {
      const found = this.jobs.get(id);
      return found === undefined ? [] : [found];
    });
  }

  create(region: DidiRegion, items: readonly CreateItem[]): DidiJob[] | DidiError {
    this.settle();
    const sources: ImageSource[] = [];
    for (const item of items) {
      const snapshot = DIDI_SNAPSHOTS.find((candidate) => candidate.snapUuid === item.snapUuid && candidate.regionId === region);
      if (snapshot === undefined) return new DidiError(DIDI_ERRNO.snapshotQueryFailed, `no snapshot ${item.snapUuid} in region ${region}`);
      const { osArch, osFamily, osVersion, platform, size, minDiskSize } = snapshot;
      sources.push({ osArch, osFamily, osVersion, platform, size, requirement: { minDiskSize }, scenes: ['base'] });
    }
    const jobs = items.map((item, index) => this.build(region, DIDI_JOB_TYPES.create, item.name, item.description, sources[index]));
    this.settle();
    return jobs;
  }

  /** A copy of an image of `originRegion` into `region`, as a new image with its own cimgUuid. */
  importImages(region: DidiRegion, items: readonly ImportItem[]): DidiJob[] | DidiError {
    this.settle();
    const sources: ImageSource[] = [];
    for (const item of items) {
      const origin = this.find(item.originRegion, item.originImageUuid);
      if (origin === undefined) return new DidiError(DIDI_ERRNO.imageQueryFailed, `no image ${item.originImageUuid} in region ${item.originRegion}`);
      if (!ownedByAccount(origin)) return new DidiError(DIDI_ERRNO.noPermission, `image ${origin.cimgUuid} is not the account's own and cannot be copied`);
      if (origin.status !== DIDI_IMAGE_STATUS.ready) {
        return new DidiError(DIDI_ERRNO.invalidParameters, `image ${origin.cimgUuid} is ${origin.status}; only a Ready image can be copied`);
      }
      const { osArch, osFamily, osVersion, platform, size, requirement, scenes } = origin;
      sources.push(structuredClone({ osArch, osFamily, osVersion, platform, size, requirement, scenes }));
    }
    const jobs = items.map((item, index) => this.build(region, DIDI_JOB_TYPES.import, item.name, item.description, sources[index]));
    this.settle();
    return jobs;
  }

  /** Gone from the region's list at once; an image in two regions stays in the other. */
  delete(region: DidiRegion, items: readonly DeleteItem[]): DidiJob[] | DidiError {
    this.settle();
    const ids = items.map((item) => item.cimgUuid);
    if (new Set(ids).size !== ids.length) return new DidiError(DIDI_ERRNO.invalidParameters, 'a cimgUuid is given twice');
    const images: DidiImage[] = [];
    for (const id of ids) {
      const image = this.editable(region, id);
      if (image instanceof DidiError) return image;
      images.push(image);
    }
    return images.map((image) => {
      this.removeFromRegion(image, region);
      return this.remember(finishedJob(DIDI_JOB_TYPES.delete, image.cimgUuid));
    });
  }

  /** Renamed at once (in every region the image is in: it is one image). */
  changeName(region: DidiRegion, items: readonly ChangeNameItem[]): DidiJob[] | DidiError {
    this.settle();
    const images: DidiImage[] = [];
    for (const item of items) {
      const image = this.editable(region, item.cimgUuid);
      if (image instanceof DidiError) return image;
      images.push(image);
    }
    const now = this.now();
    return items.map((item, index) => {
      images[index].name = item.name;
      images[index].updateTime = now;
      return this.remember(finishedJob(DIDI_JOB_TYPES.changeName, images[index].cimgUuid));
    });
  }

  private find(region: DidiRegion, cimgUuid: string): DidiImage | undefined {
    return this.catalog.regions[region].find((image) => image.cimgUuid === cimgUuid);
  }

  private editable(region: DidiRegion, cimgUuid: string): DidiImage | DidiError {
    const image = this.find(region, cimgUuid);
    if (image === undefined) return new DidiError(DIDI_ERRNO.imageQueryFailed, `no image ${cimgUuid} in region ${region}`);
    if (!ownedByAccount(image)) return new DidiError(DIDI_ERRNO.noPermission, `image ${cimgUuid} is not the account's own`);
    return image;
  }

  private remember(created: DidiJob): DidiJob {
    this.jobs.set(created.jobUuid, created);
    return created;
  }

  private build(region: DidiRegion, type: string, name: string, description: string, source: ImageSource): DidiJob {
    const startedAt = this.now();
    const cimgUuid = newUuid();
    const running = this.remember(job(type, cimgUuid, { progress: 0, done: false, success: false, status: DIDI_JOB_STATUS.running }));
    const zones = [...DIDI_ZONES[region]];
    const image: DidiImage = {
      job: running,
      backupStorages: backupStoragesFor(zones, newUuid),
      checkState: 'uncheck',
      cimgId: newCimgId(),
      cimgTags: [],
      cimgUuid,
      createTime: startedAt,
      description,
      isExternal: false,
      isShared: false,
      name,
      ...source,
      regions: [region],
      status: DIDI_IMAGE_STATUS.creating,
      type: 'custom',
      updateTime: startedAt,
      zones,
    };
    // The lists are newest first.
    this.catalog.regions[region].unshift(image);
    this.builds.set(running.jobUuid, { job: running, image, startedAt });
    return running;
  }

  private removeFromRegion(image: DidiImage, region: DidiRegion): void {
    const list = this.catalog.regions[region];
    list.splice(list.indexOf(image), 1);
    const regionZones = DIDI_ZONES[region];
    image.regions = image.regions.filter((other) => other !== region);
    image.zones = image.zones.filter((zone) => !regionZones.includes(zone));
    image.backupStorages = image.backupStorages.filter((storage) => !regionZones.includes(storage.zone.toLowerCase()));
    if (image.regions.length > 0 || image.job === undefined) return;
    // Deleted while still being built: its job ends as failed.
    Object.assign(image.job, { done: true, success: false, status: DIDI_JOB_STATUS.failed, result: 'the image was deleted' });
    this.builds.delete(image.job.jobUuid);
    delete image.job;
  }

  /** Moves every running build to where its start time and `stepMs` put it. */
  private settle(): void {
    if (this.builds.size === 0) return;
    const now = this.now();
    for (const [jobUuid, { job: running, image, startedAt }] of this.builds) {
      const steps = this.stepMs > 0 ? Math.floor(Math.max(0, now - startedAt) / this.stepMs) : STEPS_TO_FINISH;
      if (steps < STEPS_TO_FINISH) {
        running.progress = steps * PROGRESS_PER_STEP;
        continue;
      }
      Object.assign(running, { progress: 100, done: true, success: true, status: DIDI_JOB_STATUS.succeeded });
      image.status = DIDI_IMAGE_STATUS.ready;
      image.updateTime = startedAt + STEPS_TO_FINISH * Math.max(0, this.stepMs);
      // The list doc: an image has a `job` only while one runs.
      delete image.job;
      this.builds.delete(jobUuid);
    }
  }
}

import {
  CallContext, Capability, CopyImageInput, CreateImageInput, FieldError, GatewayError, Image, ImagePatch, ImageProvider,
  Operation, WriteResult, asString, fingerprint, providerRedactor,
} from '@images/core';
import { UpstreamDeps, UpstreamHttp } from '@images/http';
import { DidiClient, DidiJob } from './client';
import { DIDI_PROVIDER_ID, DidiConfig, didiSecrets } from './config';
import { didiJobFailure, didiJobUuid, mapDidiJob, parseDidiJobId } from './jobs';
import { mapDidiImage, mergeRegionalImages } from './mapper';
import { DIDI_RULES } from './rules';

/** The CreateImageInput fields `cimg/create` has a place for; another field sent is refused, never dropped. */
const CREATE_FIELDS: ReadonlySet<string> = new Set(DIDI_RULES.writes.create.accepted);

export class DidiProvider implements ImageProvider {
  readonly id: string;
  readonly displayName = 'DiDi Cloud';
  readonly capabilities: readonly Capability[] = ['list', 'create', 'update', 'delete', 'copy', 'operations'];
  readonly accountScope: string;
  private readonly client: DidiClient;

  constructor(private readonly config: DidiConfig, private readonly deps: UpstreamDeps) {
    this.id = deps.providerId ?? DIDI_PROVIDER_ID;
    const http = UpstreamHttp.forProvider(this.id, config.endpoint, deps);
    this.client = new DidiClient(http, config, deps.maxConcurrentRequests, providerRedactor(deps, didiSecrets(config)));
    // Region order only decides which copy wins a merge, not which images the account sees.
    this.accountScope = fingerprint(config.endpoint, config.token, [...config.regions].sort().join(','));
  }

  async listCatalog(ctx: CallContext): Promise<Image[]> {
    const regional = await this.client.listAllRegions(ctx);
    const images: Image[] = [];
    let skipped = 0;
    for (const { regionId, items } of regional) {
      for (const item of items) {
        const image = mapDidiImage(item, regionId, this.id);
        if (image === null) skipped++;
        else images.push(image);
      }
    }
    // One malformed item should not blank the whole catalog; it is dropped and counted.
    if (skipped > 0) this.deps.logger.warn({ provider: this.id, skipped }, 'catalog items without cimgUuid skipped');
    return mergeRegionalImages(images);
  }

  /** `cimg/create` from the snapshot `fromSnapshot`, in `region` (default: the first of DIDI_REGIONS). */
  async createImage(input: CreateImageInput, ctx: CallContext): Promise<WriteResult> {
    const errors: FieldError[] = Object.entries(input)
      .filter(([field, value]) => value !== undefined && !CREATE_FIELDS.has(field))
      .map(([field]) => ({ field, message: `${field} is not supported by DiDi, which makes images from a snapshot only` }));
    if (!input.fromSnapshot) errors.push({ field: 'fromSnapshot', message: 'fromSnapshot (the snapshot uuid) is required for a DiDi image' });
    const regionId = input.region ?? this.config.regions[0];
    errors.push(...this.regionErrors(regionId));
    if (errors.length > 0) throw validationFailed(errors);

    const job = await this.client.createCimg(
      regionId,
      { name: input.name, snapUuid: input.fromSnapshot as string, ...(input.description !== undefined ? { description: input.description } : {}) },
      ctx.signal,
    );
    return this.started(job, regionId, 'CreateCIMG');
  }

  /**
   * `cimg/changeName`: DiDi can only rename. Any other field is VALIDATION_FAILED naming it, rather than 501:
   * the update operation exists (GET /providers lists it) and the caller fixes the request by dropping the field.
   * Nothing is sent then, so a patch is never half applied.
   */
  async updateImage(providerImageId: string, patch: ImagePatch, ctx: CallContext): Promise<WriteResult> {
    const errors: FieldError[] = Object.entries(patch)
      .filter(([field, value]) => value !== undefined && field !== 'name')
      .map(([field]) => ({ field, message: `${field} cannot be changed on DiDi, which can only rename an image` }));
    if (errors.length === 0 && patch.name === undefined) errors.push({ field: 'name', message: 'name is required: DiDi can only rename an image' });
    if (errors.length > 0) throw validationFailed(errors);

    const regionId = await this.writeRegionOf(providerImageId, ctx.signal);
    const job = await this.client.changeCimgName(regionId, providerImageId, patch.name as string, ctx.signal);
    return this.started(job, regionId, 'ChangeCIMGName');
  }

  /** `cimg/delete` in a region the image is listed in. */
  async deleteImage(providerImageId: string, ctx: CallContext): Promise<WriteResult> {
    const regionId = await this.writeRegionOf(providerImageId, ctx.signal);
    const job = await this.client.deleteCimg(regionId, providerImageId, ctx.signal);
    return this.started(job, regionId, 'DeleteCIMG');
  }

  /**
   * `cimg/import` into `region` (required: a DiDi copy goes to another region, there is no sensible default).
   * The origin region comes from the catalog: DiDi has no get-by-id, so every configured region is listed.
   */
  async copyImage(providerImageId: string, input: CopyImageInput, ctx: CallContext): Promise<WriteResult> {
    const target = input.region;
    if (target === undefined) throw validationFailed([{ field: 'region', message: 'region (the target DiDi region) is required for a DiDi copy' }]);
    const errors = this.regionErrors(target);
    if (errors.length > 0) throw validationFailed(errors);

    const { image, listedIn } = await this.locate(providerImageId, ctx.signal);
    // cimg/list documents `isShared` as "cannot be copied": answered here rather than by a vendor errno.
    if (image.visibility === 'shared') {
      throw new GatewayError('CONFLICT', { provider: this.id, detail: `${image.id} is shared with this account, and DiDi does not copy shared images` });
    }
    // Any region holding the image will do as the origin; one other than the target makes it a real cross-region copy.
    const originRegionId = listedIn.find((r) => r !== target) ?? image.regions.find((r) => r !== target) ?? listedIn[0];
    const job = await this.client.importCimg(
      target,
      {
        name: input.name,
        originImageUuid: providerImageId,
        originRegionId,
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
      ctx.signal,
    );
    return this.started(job, target, 'ImportCIMG');
  }

  /** `jobId` is `{regionId}.{jobUuid}` as handed out by the writes (see `didiJobId`). */
  async getOperation(jobId: string, ctx: CallContext): Promise<Operation> {
    const parsed = parseDidiJobId(jobId);
    // An id this gateway could not have issued names no operation: 404, like an image id of an unknown provider.
    if (parsed === null || !this.config.regions.includes(parsed.regionId)) {
      throw new GatewayError('NOT_FOUND', { provider: this.id, detail: `didi has no operation ${jobId}` });
    }
    const jobs = await this.client.jobResults(parsed.regionId, parsed.jobUuid, ctx);
    const operation = mapDidiJob(jobs.find((job) => didiJobUuid(job) === parsed.jobUuid), parsed.regionId, undefined, this.id);
    if (operation === null) {
      throw new GatewayError('NOT_FOUND', { provider: this.id, detail: `didi knows no job ${parsed.jobUuid} in region ${parsed.regionId}` });
    }
    return operation;
  }

  private regionErrors(regionId: string): FieldError[] {
    if (this.config.regions.includes(regionId)) return [];
    return [{ field: 'region', message: `region must be one of the configured DiDi regions (${this.config.regions.join(', ')})` }];
  }

  /** The answer to a write that started a job: 202 while it runs; a job that already failed is the write's failure. */
  private started(job: DidiJob, regionId: string, fallbackType: string): WriteResult {
    const operation = mapDidiJob(job, regionId, fallbackType, this.id);
    if (operation?.status === 'failed') throw didiJobFailure(operation.type, asString(job.result), this.id);
    // The job names the image (resourceId); the Image itself is not known until DiDi lists it.
    return { accepted: operation?.status !== 'succeeded', operation, image: null };
  }

  /**
   * The region a write on an existing image is sent to (every CIMG call needs a `regionId`). With one configured
   * region it is that one, and DiDi itself answers for an unknown image; with several the catalog says.
   */
  private async writeRegionOf(providerImageId: string, signal: AbortSignal): Promise<string> {
    if (this.config.regions.length === 1) return this.config.regions[0];
    return (await this.locate(providerImageId, signal)).listedIn[0];
  }

  /** The image as the configured regions list it, and the regions (configured order) whose list holds it. */
  private async locate(providerImageId: string, signal: AbortSignal): Promise<{ image: Image; listedIn: string[] }> {
    const regional = await this.client.listAllRegions({ signal });
    const copies: Image[] = [];
    const listedIn: string[] = [];
    for (const { regionId, items } of regional) {
      const found = items.map((item) => mapDidiImage(item, regionId, this.id)).filter((image) => image?.providerImageId === providerImageId) as Image[];
      if (found.length > 0) listedIn.push(regionId);
      copies.push(...found);
    }
    const [image] = mergeRegionalImages(copies);
    if (image === undefined) {
      throw new GatewayError('NOT_FOUND', { provider: this.id, detail: `didi lists no image ${providerImageId} in ${this.config.regions.join(', ')}` });
    }
    return { image, listedIn };
  }
}

function validationFailed(errors: FieldError[]): GatewayError {
  return new GatewayError('VALIDATION_FAILED', { detail: errors.map((e) => e.message).join('; '), errors });
}

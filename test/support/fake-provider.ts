import { Readable } from 'node:stream';
import { DynamicModule, Module } from '@nestjs/common';
import {
  CallContext, Capability, CopyImageInput, CreateImageInput, ExportTarget, GatewayError, Image, ImageDownload, ImagePatch, ImageProvider, ImageShare,
  Operation, ProviderRegistration, UploadTarget, WriteResult, imageProviderToken,
} from '@images/core';

/** A file of `size` bytes made on demand, 64 KiB per read: never held whole, and it records being destroyed. */
export class GeneratedFile extends Readable {
  destroyedEarly = false;
  private position: number;

  constructor(start: number, private readonly endExclusive: number) {
    super({ highWaterMark: 64 * 1024 });
    this.position = start;
  }

  override _read(): void {
    if (this.position >= this.endExclusive) return void this.push(null);
    const length = Math.min(64 * 1024, this.endExclusive - this.position);
    const chunk = Buffer.alloc(length, this.position % 251);
    this.position += length;
    this.push(chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.position < this.endExclusive) this.destroyedEarly = true;
    callback(error);
  }

  get sent(): number {
    return this.position;
  }
}

/** Knobs a test turns on the fake. */
export interface FakeControls {
  /** Every write waits this long first (an in-flight duplicate can then be sent). */
  writeDelayMs: number;
  /** The next write fails with this, once. */
  failNext: GatewayError | null;
}

export function fakeImage(providerImageId: string, fields: Partial<Image> = {}): Image {
  return {
    id: `fake:${providerImageId}`,
    provider: 'fake',
    providerImageId,
    name: providerImageId,
    description: null,
    status: 'available',
    providerStatus: 'ready',
    visibility: 'private',
    osType: 'linux',
    platform: 'fakeos',
    osVersion: '1',
    architecture: 'x86_64',
    bits: 64,
    diskFormat: 'raw',
    sizeBytes: 1024,
    minDiskGiB: 1,
    minRamMiB: 512,
    regions: ['r1'],
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: null,
    extra: {},
    ...fields,
  };
}

/**
 * An in-memory provider with every write operation, for the gateway's own mechanics (routing, answers,
 * idempotency, streaming) without any vendor behind it. Counts its calls per operation.
 */
export class FakeProvider implements ImageProvider {
  readonly id = 'fake';
  readonly displayName = 'Fake';
  readonly capabilities: readonly Capability[] = ['list', 'get', 'create', 'update', 'delete', 'copy', 'upload', 'download', 'share', 'export', 'operations'];
  readonly accountScope = 'fake-account';
  readonly images = new Map<string, Image>();
  readonly calls: Record<string, number> = {};
  readonly files: GeneratedFile[] = [];
  readonly controls: FakeControls = { writeDelayMs: 0, failNext: null };
  private readonly shares = new Map<string, ImageShare[]>();
  private serial = 0;

  constructor() {
    for (const image of [fakeImage('small'), fakeImage('large', { sizeBytes: 1.25 * 2 ** 30 }), fakeImage('shared-one')]) this.images.set(image.providerImageId, image);
  }

  async listCatalog(): Promise<Image[]> {
    return [...this.images.values()];
  }

  async getImage(providerImageId: string): Promise<Image | null> {
    this.count('getImage');
    return this.images.get(providerImageId) ?? null;
  }

  async createImage(input: CreateImageInput, ctx: CallContext): Promise<WriteResult> {
    await this.writeStep('createImage', ctx);
    const image = fakeImage(`new-${++this.serial}`, { name: input.name, description: input.description ?? null, status: 'pending' });
    this.images.set(image.providerImageId, image);
    // "sync" in the description asks for a finished create (201); otherwise a job to poll (202).
    if (input.description === 'sync') return { image: { ...image, status: 'available' }, operation: null, accepted: false };
    return { image, operation: this.operation(`job-${this.serial}`, image.id), accepted: true };
  }

  async updateImage(providerImageId: string, patch: ImagePatch, ctx: CallContext): Promise<WriteResult> {
    await this.writeStep('updateImage', ctx);
    const image = this.existing(providerImageId);
    const updated = { ...image, ...patch } as Image;
    this.images.set(providerImageId, updated);
    return { image: updated, operation: null, accepted: false };
  }

  async deleteImage(providerImageId: string, ctx: CallContext): Promise<WriteResult> {
    await this.writeStep('deleteImage', ctx);
    this.existing(providerImageId);
    this.images.delete(providerImageId);
    return { image: null, operation: null, accepted: false };
  }

  async copyImage(providerImageId: string, input: CopyImageInput, ctx: CallContext): Promise<WriteResult> {
    await this.writeStep('copyImage', ctx);
    const source = this.existing(providerImageId);
    const copy = fakeImage(`copy-${++this.serial}`, { ...source, id: `fake:copy-${this.serial}`, providerImageId: `copy-${this.serial}`, name: input.name, status: 'pending' });
    this.images.set(copy.providerImageId, copy);
    return { image: copy, operation: null, accepted: true };
  }

  async prepareUpload(providerImageId: string, input: { sizeBytes: number }, ctx: CallContext): Promise<UploadTarget> {
    await this.writeStep('prepareUpload', ctx);
    this.existing(providerImageId);
    return { uploadId: `up-${++this.serial}`, bucket: 'fake-bucket', file: providerImageId, secretKey: `fake-secret-${this.serial}-${input.sizeBytes}` };
  }

  async completeUpload(providerImageId: string, _input: { result: 'success' | 'failed'; uploadId?: string }, ctx: CallContext): Promise<WriteResult> {
    await this.writeStep('completeUpload', ctx);
    return { image: this.existing(providerImageId), operation: null, accepted: true };
  }

  async downloadImage(providerImageId: string, input: { range?: string }): Promise<ImageDownload> {
    this.count('downloadImage');
    const size = this.existing(providerImageId).sizeBytes ?? 0;
    const match = input.range ? /^bytes=(\d+)-(\d*)$/.exec(input.range) : null;
    const start = match ? Number(match[1]) : 0;
    const end = match && match[2] !== '' ? Math.min(Number(match[2]) + 1, size) : size;
    const file = new GeneratedFile(start, end);
    this.files.push(file);
    const headers: Record<string, string> = { 'content-type': 'application/x-raw-disk-image', 'content-length': String(end - start), 'accept-ranges': 'bytes' };
    if (match) headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
    return { status: match ? 206 : 200, headers, body: file };
  }

  async listShares(providerImageId: string): Promise<ImageShare[]> {
    this.count('listShares');
    this.existing(providerImageId);
    return this.shares.get(providerImageId) ?? [];
  }

  async shareImage(providerImageId: string, input: { userIds: string[] }, ctx: CallContext): Promise<ImageShare[]> {
    await this.writeStep('shareImage', ctx);
    const shares = [...(this.shares.get(providerImageId) ?? []), ...input.userIds.map((userId) => ({ userId, shareId: `share-${userId}`, status: 'active', createdAt: null }))];
    this.shares.set(providerImageId, shares);
    return shares;
  }

  async unshareImage(providerImageId: string, userId: string, ctx: CallContext): Promise<void> {
    await this.writeStep('unshareImage', ctx);
    const shares = this.shares.get(providerImageId) ?? [];
    if (!shares.some((share) => share.userId === userId)) throw new GatewayError('CONFLICT', { provider: this.id, detail: `not shared with ${userId}` });
    this.shares.set(providerImageId, shares.filter((share) => share.userId !== userId));
  }

  async listExportTargets(providerImageId: string): Promise<ExportTarget[]> {
    this.count('listExportTargets');
    this.existing(providerImageId);
    return [{ name: 'bucket-a', azId: 'AZ0', cellId: 'c1' }];
  }

  async exportImage(providerImageId: string, _input: { bucket: ExportTarget }, ctx: CallContext): Promise<WriteResult> {
    await this.writeStep('exportImage', ctx);
    return { image: this.existing(providerImageId), operation: null, accepted: true };
  }

  async getOperation(jobId: string): Promise<Operation> {
    this.count('getOperation');
    if (!jobId.startsWith('job-')) throw new GatewayError('NOT_FOUND', { provider: this.id, detail: `no job ${jobId}` });
    return { ...this.operation(jobId, `fake:new-${jobId.slice(4)}`), status: 'succeeded', progress: 100 };
  }

  private operation(jobId: string, resourceId: string): Operation {
    return { id: `fake:${jobId}`, provider: 'fake', type: 'create', status: 'running', progress: 0, resourceId, error: null };
  }

  private existing(providerImageId: string): Image {
    const image = this.images.get(providerImageId);
    if (!image) throw new GatewayError('NOT_FOUND', { provider: this.id, detail: `fake has no image ${providerImageId}` });
    return image;
  }

  private count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  private async writeStep(name: string, ctx: CallContext): Promise<void> {
    this.count(name);
    if (this.controls.writeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.controls.writeDelayMs));
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const failure = this.controls.failNext;
    this.controls.failNext = null;
    if (failure) throw failure;
  }
}

/** A provider that can only list: every write is 501. */
export class ListOnlyProvider implements ImageProvider {
  readonly id = 'listonly';
  readonly displayName = 'List only';
  readonly capabilities: readonly Capability[] = ['list'];
  readonly accountScope = 'listonly-account';

  async listCatalog(): Promise<Image[]> {
    return [{ ...fakeImage('one'), id: 'listonly:one', provider: 'listonly' }];
  }
}

/** A vendor module with no HTTP behind it: the provider `create` makes, under the provider's token. */
@Module({})
export class FakeVendorModule {
  static forProvider(providerId: string, create: () => ImageProvider): DynamicModule {
    const token = imageProviderToken(providerId);
    return { module: FakeVendorModule, providers: [{ provide: token, useFactory: create }], exports: [token] };
  }
}

/** Registrations of both fakes (enabled by FAKE_PROVIDERS=1); `instances` holds what the gateway made. */
export function fakeRegistrations(): { registrations: ProviderRegistration<object>[]; instances: { fake?: FakeProvider; listOnly?: ListOnlyProvider } } {
  const instances: { fake?: FakeProvider; listOnly?: ListOnlyProvider } = {};
  const enabled = (env: Readonly<Record<string, string | undefined>>) => (env.FAKE_PROVIDERS === '1' ? {} : null);
  const registration = (id: string, create: () => ImageProvider): ProviderRegistration<object> => ({
    id, envVariables: ['FAKE_PROVIDERS'], rules: {}, secretsOf: () => [], fromEnv: enabled, create, module: (_config, context) => FakeVendorModule.forProvider(context.providerId, create),
  });
  return {
    instances,
    registrations: [registration('fake', () => (instances.fake = new FakeProvider())), registration('listonly', () => (instances.listOnly = new ListOnlyProvider()))],
  };
}

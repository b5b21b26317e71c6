import type { Readable } from 'node:stream';
import type { Architecture, Image, OsType, Visibility } from './image';
import type { CallContext } from './provider';

/**
 * The write side of a provider (API.md section 7). Inputs are already validated by the gateway's DTOs;
 * a provider only translates them into its vendor's calls and its vendor's answers back.
 * Every method is optional: an absent one is `501 UNSUPPORTED_OPERATION`, and the provider's `capabilities` lists the present ones.
 */
export interface ImageOperations {
  createImage?(input: CreateImageInput, ctx: CallContext): Promise<WriteResult>;
  /** `patch` holds only the fields the caller sent. */
  updateImage?(providerImageId: string, patch: ImagePatch, ctx: CallContext): Promise<WriteResult>;
  deleteImage?(providerImageId: string, ctx: CallContext): Promise<WriteResult>;
  copyImage?(providerImageId: string, input: CopyImageInput, ctx: CallContext): Promise<WriteResult>;
  prepareUpload?(providerImageId: string, input: { sizeBytes: number }, ctx: CallContext): Promise<UploadTarget>;
  completeUpload?(providerImageId: string, input: { result: 'success' | 'failed'; uploadId?: string }, ctx: CallContext): Promise<WriteResult>;
  downloadImage?(providerImageId: string, input: { range?: string }, ctx: CallContext): Promise<ImageDownload>;
  listShares?(providerImageId: string, ctx: CallContext): Promise<ImageShare[]>;
  shareImage?(providerImageId: string, input: { userIds: string[] }, ctx: CallContext): Promise<ImageShare[]>;
  unshareImage?(providerImageId: string, userId: string, ctx: CallContext): Promise<void>;
  listExportTargets?(providerImageId: string, ctx: CallContext): Promise<ExportTarget[]>;
  exportImage?(providerImageId: string, input: { bucket: ExportTarget }, ctx: CallContext): Promise<WriteResult>;
  /** `jobId` is the part of the Operation id after `{provider}:`. */
  getOperation?(jobId: string, ctx: CallContext): Promise<Operation>;
}

export interface CreateImageInput {
  name: string;
  description?: string;
  /** DiDi: the region to create in (default: the first of DIDI_REGIONS). */
  region?: string;
  /** DiDi: the snapshot the image is made from. */
  fromSnapshot?: string;
  diskFormat?: string;
  minDiskGiB?: number;
  minRamMiB?: number;
  osType?: OsType;
  platform?: string;
  osVersion?: string;
  architecture?: Architecture;
  bits?: 32 | 64;
  visibility?: Visibility;
  imageType?: string;
  usage?: string;
  bootMode?: string;
  /** CECSTACK: import from this URL instead of creating an empty record to upload into. */
  fromUrl?: string;
  dataDisks?: Array<{ url: string; minDiskGiB: number }>;
}

/** The fields a PATCH may change (API.md section 7), typed as at creation. */
export type ImagePatch = Partial<Pick<CreateImageInput, 'name' | 'description' | 'minDiskGiB' | 'minRamMiB' | 'osType' | 'platform' | 'osVersion' | 'architecture' | 'bits' | 'bootMode'>>;

export interface CopyImageInput {
  name: string;
  description?: string;
  /** DiDi: the target region. */
  region?: string;
}

export type OperationStatus = 'running' | 'succeeded' | 'failed';

/** Vendor work the caller can poll at `GET /operations/{id}`. */
export interface Operation {
  /** `{provider}:{jobId}` */
  id: string;
  provider: string;
  type: string;
  status: OperationStatus;
  /** 0–100 */
  progress: number;
  /** The gateway id (`{provider}:{providerImageId}`) of the image the job works on, when known. */
  resourceId: string | null;
  /** The problem body of a failed job, else null. */
  error: Record<string, unknown> | null;
}

/**
 * What a write answers. `accepted` true means the vendor is still working (HTTP 202 with a Location header);
 * otherwise the write is done (200/201 with the image, or 204 when there is nothing to show).
 */
export interface WriteResult {
  image: Image | null;
  operation: Operation | null;
  accepted: boolean;
}

/** The vendor's object-storage details for an upload. Secret: never logged, cached or counted. */
export interface UploadTarget {
  uploadId: string | null;
  /** The vendor's answer, normalised to camelCase where the vendor uses other names, otherwise as sent. */
  [field: string]: unknown;
}

/** A vendor's file answer, handed through without buffering. */
export interface ImageDownload {
  status: 200 | 206;
  /** Lower-case names: content-type, content-length, content-range, accept-ranges, content-disposition, etag when the vendor sends them. */
  headers: Record<string, string>;
  body: Readable;
}

export interface ImageShare {
  userId: string;
  /** The vendor's id of the share record (CECSTACK `shareId`), when it has one. */
  shareId: string | null;
  status: string | null;
  createdAt: string | null;
}

export interface ExportTarget {
  name: string;
  azId: string;
  cellId: string;
  [field: string]: unknown;
}

/** The operations a capability name stands for (for `GET /providers` and 501s). */
export const OPERATION_CAPABILITY = {
  createImage: 'create',
  updateImage: 'update',
  deleteImage: 'delete',
  copyImage: 'copy',
  prepareUpload: 'upload',
  completeUpload: 'upload',
  downloadImage: 'download',
  listShares: 'share',
  shareImage: 'share',
  unshareImage: 'share',
  listExportTargets: 'export',
  exportImage: 'export',
  getOperation: 'operations',
} as const;
export type OperationName = keyof typeof OPERATION_CAPABILITY;

import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions, getSchemaPath } from '@nestjs/swagger';
import { ARCHITECTURES, IMAGE_STATUSES, OS_TYPES, PROBLEMS, VISIBILITIES } from '@images/core';

const PROBLEM_CODES = Object.keys(PROBLEMS);

/**
 * OpenAPI shapes of the answers (the runtime values are the core types). A nullable enum lists null among its values:
 * OpenAPI 3.0 validators check `enum` before `nullable`.
 */
/**
 * An object field that may be null. OpenAPI 3.0's `nullable` does not reach into a `$ref` (nor an `allOf` around one),
 * so null is a branch of its own.
 */
function nullable(dto: Function, description: string): ApiPropertyOptions {
  return { anyOf: [{ $ref: getSchemaPath(dto) }, { type: 'object', nullable: true, enum: [null] }], description };
}

export class ImageDto {
  @ApiProperty({ example: 'acme:4a48f88391134a01befe88ff98b68a88', description: '{provider}:{providerImageId}' }) id!: string;
  @ApiProperty({ example: 'acme' }) provider!: string;
  @ApiProperty({ example: '4a48f88391134a01befe88ff98b68a88' }) providerImageId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: IMAGE_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: "The vendor's own status value, unchanged" }) providerStatus!: string | null;
  @ApiProperty({ enum: VISIBILITIES }) visibility!: string;
  @ApiProperty({ enum: [...OS_TYPES, null], type: String, nullable: true }) osType!: string | null;
  @ApiProperty({ type: String, nullable: true }) platform!: string | null;
  @ApiProperty({ type: String, nullable: true }) osVersion!: string | null;
  @ApiProperty({ enum: [...ARCHITECTURES, null], type: String, nullable: true }) architecture!: string | null;
  @ApiProperty({ enum: [32, 64, null], nullable: true, type: 'integer' }) bits!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'qcow2' }) diskFormat!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) sizeBytes!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) minDiskGiB!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) minRamMiB!: number | null;
  @ApiProperty({ type: [String] }) regions!: string[];
  @ApiProperty({ type: String, nullable: true, example: '2020-10-27T11:51:10.000Z' }) createdAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) updatedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Vendor fields with no place above, under their vendor names' }) extra!: Record<string, unknown>;
}

export class FieldErrorDto {
  @ApiProperty() field!: string;
  @ApiProperty() message!: string;
}

export class UpstreamDto {
  @ApiPropertyOptional({ type: 'integer' }) status?: number;
  @ApiPropertyOptional() code?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional() requestId?: string;
}

/**
 * A provider's failure inside an answer (`sources[].error`, a failed job's `error`): a problem without the request's
 * `instance` and `requestId`.
 */
export class SourceErrorDto {
  @ApiProperty({ example: '/problems/upstream-auth-failed' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: 'integer' }) status!: number;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ enum: PROBLEM_CODES, example: 'UPSTREAM_AUTH_FAILED' }) code!: string;
  @ApiProperty() retryable!: boolean;
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional({ type: UpstreamDto }) upstream?: UpstreamDto;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

/** An error answer (RFC 9457): what went wrong, for which request. */
export class ProblemDto extends SourceErrorDto {
  @ApiProperty() instance!: string;
  @ApiProperty() requestId!: string;
}

export class SourceDto {
  @ApiProperty() provider!: string;
  @ApiProperty({ enum: ['ok', 'stale', 'error'] }) status!: string;
  @ApiProperty({ enum: ['hit', 'miss', 'stale', 'bypass'] }) cache!: string;
  @ApiPropertyOptional({ type: 'integer' }) ageSeconds?: number;
  @ApiProperty({ type: 'integer', description: 'Images from this provider matching the filters' }) count!: number;
  @ApiProperty({ type: 'integer' }) latencyMs!: number;
  @ApiPropertyOptional({ type: SourceErrorDto }) error?: SourceErrorDto;
}

/** ALL_PROVIDERS_FAILED (and a strict read's partial answer) carries every provider's outcome; a single selected provider's failure is a plain problem. */
export class ListFailedDto extends ProblemDto {
  @ApiPropertyOptional({ type: [SourceDto], description: "On ALL_PROVIDERS_FAILED, and on UPSTREAM_ERROR under Prefer: handling=strict: each provider's outcome" }) sources?: SourceDto[];
}

export class PageDto {
  @ApiProperty({ type: 'integer' }) limit!: number;
  @ApiProperty({ type: 'integer', description: 'Images matching the filters over every selected provider' }) total!: number;
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class ImageListDto {
  @ApiProperty({ type: [ImageDto] }) items!: ImageDto[];
  @ApiProperty({ type: PageDto }) page!: PageDto;
  @ApiProperty({ type: [SourceDto] }) sources!: SourceDto[];
  @ApiProperty({ description: 'True when every selected provider answered ok' }) complete!: boolean;
}

export class ProviderStateDto {
  @ApiProperty({ example: 'acme', description: 'The provider id: an account of PROVIDERS_FILE, or the vendor in the one-account form' }) id!: string;
  @ApiProperty({ example: 'cecstack', description: "The account's vendor (didi, huawei, ucloud, cecstack): whose rules and capabilities it has" }) vendor!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: [String], example: ['list', 'get', 'create', 'update', 'delete'], description: 'What the provider can do; anything else answers 501 UNSUPPORTED_OPERATION' }) capabilities!: string[];
  @ApiProperty({ type: [String], example: ['createImage', 'updateImage', 'deleteImage'], description: 'The write operations it implements, by name' }) operations!: string[];
  @ApiProperty({ enum: ['closed', 'open', 'half-open'] }) circuit!: string;
  @ApiProperty({ type: String, nullable: true }) lastSuccessAt!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) lastError!: Record<string, unknown> | null;
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderStateDto] }) providers!: ProviderStateDto[];
}

export class OperationDto {
  @ApiProperty({ example: 'acme:3fd352092a3f553cb124223f6a7f09b4', description: '{provider}:{jobId}; poll GET /operations/{id}' }) id!: string;
  @ApiProperty({ example: 'acme' }) provider!: string;
  @ApiProperty({ example: 'CreateCIMG', description: "The vendor's job type" }) type!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) progress!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The gateway id of the image the job works on, when known' }) resourceId!: string | null;
  @ApiProperty(nullable(SourceErrorDto, 'Why the job failed')) error!: SourceErrorDto | null;
}

export class WriteAcceptedDto {
  @ApiProperty(nullable(ImageDto, 'The image as far as it is known yet')) image!: ImageDto | null;
  @ApiProperty(nullable(OperationDto, 'The vendor job to poll, when the vendor has one')) operation!: OperationDto | null;
}

export class ImageShareDto {
  @ApiProperty({ example: '7085524801413873664' }) userId!: string;
  @ApiProperty({ type: String, nullable: true, description: "The vendor's id of the share record" }) shareId!: string | null;
  @ApiProperty({ type: String, nullable: true }) status!: string | null;
  @ApiProperty({ type: String, nullable: true }) createdAt!: string | null;
}

export class ImageShareListDto {
  @ApiProperty({ type: [ImageShareDto] }) shares!: ImageShareDto[];
}

export class ExportTargetDto {
  @ApiProperty({ example: 'hello1' }) name!: string;
  @ApiProperty({ example: 'AZ0' }) azId!: string;
  @ApiProperty({ example: 'ecs49' }) cellId!: string;
}

export class ExportTargetListDto {
  @ApiProperty({ type: [ExportTargetDto], description: 'Buckets the image can be exported to; each may carry more vendor fields' }) targets!: ExportTargetDto[];
}

export class UploadTargetDto {
  @ApiProperty({ type: String, nullable: true, description: 'Pass to POST /images/{id}/upload/complete when the upload used one' }) uploadId!: string | null;
  @ApiPropertyOptional({ description: 'The object-store bucket to put the file into' }) bucket?: string;
  @ApiPropertyOptional({ description: 'The object name to put the file under' }) file?: string;
  @ApiPropertyOptional({ description: 'The object-store endpoint' }) domain?: string;
  @ApiPropertyOptional({ description: 'CECSTACK: the object store access key (secret; the answer is no-store)' }) accessKey?: string;
  @ApiPropertyOptional({ description: 'CECSTACK: the object store secret key' }) secretKey?: string;
  @ApiPropertyOptional({ description: 'CECSTACK: a session token for the object store, when the vendor gives one' }) token?: string;
  @ApiPropertyOptional({ description: 'CECSTACK: the URL the image file will have, when the vendor gives one' }) imageUrl?: string;
}

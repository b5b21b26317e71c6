import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { ARCHITECTURES, Architecture, OS_TYPES, OsType } from '@images/core';

// Request bodies of the write routes (API.md section 7). Unknown keys are refused by StrictValidationPipe;
// which fields each provider takes is checked by the service (provider-fields.ts), still before any vendor call.

/** Letters, digits, Chinese characters, space, `-`, `.`, `_`; 1–128 characters; no space at either end. */
export const IMAGE_NAME = /^(?! )[A-Za-z0-9\p{Script=Han} ._-]{1,128}(?<! )$/u;
const IMAGE_NAME_MESSAGE = 'must be 1–128 letters, digits, Chinese characters, spaces, "-", "." or "_", not starting or ending with a space';
/** Printable text: no control characters. */
const TEXT = /^[^\p{Cc}]*$/u;
/** Identifiers handed to vendors as they are (regions, snapshots, users, upload ids). */
const TOKEN = /^[A-Za-z0-9_.:-]+$/;
const TOKEN_MESSAGE = 'must be letters, digits, "_", ".", ":" or "-"';

const REQUIRED = { message: '$property is required' };

export const CREATE_VISIBILITIES = ['public', 'private', 'market'] as const;
export const BITS = [32, 64] as const;
export const BOOT_MODES = ['BIOS', 'UEFI'] as const;
export const UPLOAD_RESULTS = ['success', 'failed'] as const;
export const MAX_SHARE_USERS = 50;

/**
 * Absent is fine, but a present value is validated, null included (class-validator's IsOptional would wave
 * null through, and a null would then reach the vendor as "clear this field").
 */
function Optional(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}

function ImageName(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Matches(IMAGE_NAME, { message: `$property ${IMAGE_NAME_MESSAGE}` })(target, key);
  };
}

function Description(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(2, 256)(target, key);
    Matches(TEXT, { message: '$property must not contain control characters' })(target, key);
  };
}

function Text(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, max)(target, key);
    Matches(TEXT, { message: '$property must not contain control characters' })(target, key);
  };
}

function Token(max: number): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    Length(1, max)(target, key);
    Matches(TOKEN, { message: `$property ${TOKEN_MESSAGE}` })(target, key);
  };
}

function WholeNumber(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(min)(target, key);
    Max(max)(target, key);
  };
}

export class DataDiskDto {
  @ApiProperty({ description: 'Where the vendor fetches the data disk image from', example: 'https://oss.example.com/bucket/data.qcow2' })
  @IsDefined(REQUIRED)
  @IsString()
  @Length(1, 2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsDefined(REQUIRED)
  @WholeNumber(1, 1_048_576)
  minDiskGiB!: number;
}

/** `POST /images`. Which fields a provider requires or takes: API.md section 7 (didi: a snapshot; cecstack: an upload or an import). */
export class CreateImageBody {
  @ApiProperty({ description: 'An enabled provider id', example: 'cecstack' })
  @IsDefined(REQUIRED)
  @Token(32)
  provider!: string;

  @ApiProperty({ example: 'centos8.2-web', pattern: IMAGE_NAME.source, maxLength: 128 })
  @IsDefined(REQUIRED)
  @ImageName()
  name!: string;

  @ApiPropertyOptional({ minLength: 2, maxLength: 256 })
  @Optional()
  @Description()
  description?: string;

  @ApiPropertyOptional({ description: 'didi: the region to create in (default: the first of DIDI_REGIONS)', example: 'bj' })
  @Optional()
  @Token(64)
  region?: string;

  @ApiPropertyOptional({ description: 'didi (required): the snapshot the image is made from' })
  @Optional()
  @Token(128)
  fromSnapshot?: string;

  @ApiPropertyOptional({ description: 'cecstack (required): lower case, e.g. qcow2, raw', example: 'qcow2' })
  @Optional()
  @IsString()
  @Matches(/^[a-z0-9]{2,16}$/, { message: '$property must be a lower-case format name such as qcow2 or raw' })
  diskFormat?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'cecstack (required)' })
  @Optional()
  @WholeNumber(1, 1_048_576)
  minDiskGiB?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'cecstack (required)' })
  @Optional()
  @WholeNumber(1, 16_777_216)
  minRamMiB?: number;

  @ApiPropertyOptional({ enum: OS_TYPES, description: 'cecstack (required)' })
  @Optional()
  @IsIn(OS_TYPES)
  osType?: OsType;

  @ApiPropertyOptional({ description: 'cecstack (required): e.g. CentOS, ubuntu, kylin, windows, other', example: 'CentOS' })
  @Optional()
  @Text(64)
  platform?: string;

  @ApiPropertyOptional({ example: '8.2' })
  @Optional()
  @Text(64)
  osVersion?: string;

  @ApiPropertyOptional({ enum: ARCHITECTURES, description: 'cecstack (required)' })
  @Optional()
  @IsIn(ARCHITECTURES)
  architecture?: Architecture;

  @ApiPropertyOptional({ enum: BITS, type: 'integer', description: 'cecstack (required)' })
  @Optional()
  @IsIn(BITS)
  bits?: 32 | 64;

  @ApiPropertyOptional({ enum: CREATE_VISIBILITIES, default: 'private' })
  @Optional()
  @IsIn(CREATE_VISIBILITIES)
  visibility?: (typeof CREATE_VISIBILITIES)[number];

  @ApiPropertyOptional({ description: 'cecstack: os_image, data_image or whole_image', example: 'os_image' })
  @Optional()
  @Token(32)
  imageType?: string;

  @ApiPropertyOptional({ description: 'cecstack: ecs, bms, cke, sec, …', example: 'ecs' })
  @Optional()
  @Token(32)
  usage?: string;

  @ApiPropertyOptional({ enum: BOOT_MODES })
  @Optional()
  @IsIn(BOOT_MODES)
  bootMode?: string;

  @ApiPropertyOptional({ description: 'cecstack: import from this URL instead of creating an empty image to upload into' })
  @Optional()
  @IsString()
  @Length(1, 2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  fromUrl?: string;

  @ApiPropertyOptional({ type: [DataDiskDto], description: 'cecstack, with fromUrl: data disk images imported alongside' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => DataDiskDto)
  @ValidateBy({ name: 'withFromUrl', validator: { validate: (_value, args) => (args?.object as CreateImageBody).fromUrl !== undefined, defaultMessage: () => 'dataDisks is only taken with fromUrl (an import)' } })
  dataDisks?: DataDiskDto[];
}

/** `PATCH /images/{id}`: only the fields sent change; at least one. */
export class UpdateImageBody {
  @ApiPropertyOptional({ pattern: IMAGE_NAME.source, maxLength: 128 })
  @Optional()
  @ImageName()
  name?: string;

  @ApiPropertyOptional({ minLength: 2, maxLength: 256 })
  @Optional()
  @Description()
  description?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @Optional()
  @WholeNumber(1, 1_048_576)
  minDiskGiB?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @Optional()
  @WholeNumber(1, 16_777_216)
  minRamMiB?: number;

  @ApiPropertyOptional({ enum: OS_TYPES })
  @Optional()
  @IsIn(OS_TYPES)
  osType?: OsType;

  @ApiPropertyOptional()
  @Optional()
  @Text(64)
  platform?: string;

  @ApiPropertyOptional()
  @Optional()
  @Text(64)
  osVersion?: string;

  @ApiPropertyOptional({ enum: ARCHITECTURES })
  @Optional()
  @IsIn(ARCHITECTURES)
  architecture?: Architecture;

  @ApiPropertyOptional({ enum: BITS, type: 'integer' })
  @Optional()
  @IsIn(BITS)
  bits?: 32 | 64;

  @ApiPropertyOptional({ enum: BOOT_MODES })
  @Optional()
  @IsIn(BOOT_MODES)
  bootMode?: string;
}

/** `POST /images/{id}/copy` */
export class CopyImageBody {
  @ApiProperty({ pattern: IMAGE_NAME.source, maxLength: 128 })
  @IsDefined(REQUIRED)
  @ImageName()
  name!: string;

  @ApiPropertyOptional({ minLength: 2, maxLength: 256 })
  @Optional()
  @Description()
  description?: string;

  @ApiPropertyOptional({ description: 'didi (required): the target region', example: 'gz' })
  @Optional()
  @Token(64)
  region?: string;
}

/** `POST /images/{id}/upload` */
export class PrepareUploadBody {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Size of the file to upload, in bytes' })
  @IsDefined(REQUIRED)
  @WholeNumber(1, Number.MAX_SAFE_INTEGER)
  sizeBytes!: number;
}

/** `POST /images/{id}/upload/complete` */
export class CompleteUploadBody {
  @ApiProperty({ enum: UPLOAD_RESULTS })
  @IsDefined(REQUIRED)
  @IsIn(UPLOAD_RESULTS)
  result!: (typeof UPLOAD_RESULTS)[number];

  @ApiPropertyOptional({ description: 'The multipart upload id, when the upload used one' })
  @Optional()
  @IsString()
  @Length(1, 256)
  @Matches(TEXT, { message: '$property must not contain control characters' })
  uploadId?: string;
}

/** `POST /images/{id}/shares` */
export class ShareImageBody {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_SHARE_USERS, uniqueItems: true, example: ['7085524801413873664'] })
  @IsDefined(REQUIRED)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SHARE_USERS)
  @ArrayUnique({ message: '$property must not repeat a user id' })
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  @Matches(TOKEN, { each: true, message: `each of $property ${TOKEN_MESSAGE}` })
  userIds!: string[];
}

/** A user id in a path (`DELETE /images/{id}/shares/{userId}`): same rule as in a body. */
export const USER_ID = TOKEN;

export class ExportBucketDto {
  @ApiProperty({ example: 'hello1' })
  @IsDefined(REQUIRED)
  @Text(256)
  name!: string;

  @ApiProperty({ example: 'AZ0' })
  @IsDefined(REQUIRED)
  @Token(128)
  azId!: string;

  @ApiProperty({ example: 'ecs49' })
  @IsDefined(REQUIRED)
  @Token(128)
  cellId!: string;
}

/** `POST /images/{id}/export`: one of `GET /images/{id}/export-targets`. */
export class ExportImageBody {
  @ApiProperty({ type: ExportBucketDto })
  @IsDefined(REQUIRED)
  @IsObject()
  @ValidateNested()
  @Type(() => ExportBucketDto)
  bucket!: ExportBucketDto;
}

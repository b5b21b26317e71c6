import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsString, IsUrl, Length, Matches, ValidateBy, ValidateNested } from 'class-validator';
import { ARCHITECTURES, Architecture, CREATE_VISIBILITIES, OS_TYPES, OsType } from '@images/core';
import { Description, IMAGE_NAME, ImageName, Optional, REQUIRED, Text, Token, WholeNumber } from '../../common/dto-fields';

// Request bodies of the image writes (API.md section 7). Unknown keys are refused by StrictValidationPipe;
// which fields each provider takes is declared with the vendor and checked by the service, still before any vendor call.

export const BITS = [32, 64] as const;
export const BOOT_MODES = ['BIOS', 'UEFI'] as const;

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

/** `POST /images`. Which fields each provider takes and requires is declared with the vendor (ProviderRules), and documented from there. */
export class CreateImageBody {
  @ApiProperty({ description: 'An enabled provider id', example: 'acme' })
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

  @ApiPropertyOptional({ description: 'The region to create the image in', example: 'bj' })
  @Optional()
  @Token(64)
  region?: string;

  @ApiPropertyOptional({ description: 'The snapshot the image is made from' })
  @Optional()
  @Token(128)
  fromSnapshot?: string;

  @ApiPropertyOptional({ description: 'Lower case, e.g. qcow2, raw', example: 'qcow2' })
  @Optional()
  @IsString()
  @Matches(/^[a-z0-9]{2,16}$/, { message: '$property must be a lower-case format name such as qcow2 or raw' })
  diskFormat?: string;

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

  @ApiPropertyOptional({ description: 'The distribution or family, e.g. CentOS, ubuntu, kylin, windows, other', example: 'CentOS' })
  @Optional()
  @Text(64)
  platform?: string;

  @ApiPropertyOptional({ example: '8.2' })
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

  // No `default` in the document: a generated client would then always send it, and DiDi refuses the field.
  @ApiPropertyOptional({ enum: CREATE_VISIBILITIES, description: 'private when absent (where the vendor takes the field)' })
  @Optional()
  @IsIn(CREATE_VISIBILITIES)
  visibility?: (typeof CREATE_VISIBILITIES)[number];

  @ApiPropertyOptional({ description: 'What the image holds, in the vendor\'s words, e.g. os_image', example: 'os_image' })
  @Optional()
  @Token(32)
  imageType?: string;

  @ApiPropertyOptional({ description: 'What the image is for, in the vendor\'s words, e.g. ecs', example: 'ecs' })
  @Optional()
  @Token(32)
  usage?: string;

  @ApiPropertyOptional({ enum: BOOT_MODES })
  @Optional()
  @IsIn(BOOT_MODES)
  bootMode?: string;

  @ApiPropertyOptional({ description: 'Import the image from this URL instead of creating an empty image to upload into' })
  @Optional()
  @IsString()
  @Length(1, 2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  fromUrl?: string;

  @ApiPropertyOptional({ type: [DataDiskDto], description: 'With fromUrl: data disk images imported alongside' })
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

  @ApiPropertyOptional({ description: 'The target region', example: 'gz' })
  @Optional()
  @Token(64)
  region?: string;
}

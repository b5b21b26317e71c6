import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ARCHITECTURES, Architecture, IMAGE_STATUSES, ImageStatus, OS_TYPES, OsType } from '@images/core';
import { DEFAULT_SORT, SORT_KEYS, SortKey } from '@images/query';

const LIMIT_RULE = 'must be one whole number from 1 to 200';

export const FILTER_VISIBILITIES = ['public', 'private', 'shared', 'market'] as const;

/** `GET /images` query (API.md section 4). Any other parameter is a 400. */
export class ListImagesQuery {
  @ApiPropertyOptional({ description: 'Comma list of enabled provider ids', example: 'acme,globex' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, { message: 'must be a comma list of provider ids' })
  provider?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name', maxLength: 256 })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  name?: string;

  @ApiPropertyOptional({ enum: OS_TYPES })
  @IsOptional()
  @IsIn(OS_TYPES)
  osType?: OsType;

  @ApiPropertyOptional({ enum: ARCHITECTURES })
  @IsOptional()
  @IsIn(ARCHITECTURES)
  architecture?: Architecture;

  @ApiPropertyOptional({ enum: IMAGE_STATUSES })
  @IsOptional()
  @IsIn(IMAGE_STATUSES)
  status?: ImageStatus;

  @ApiPropertyOptional({ enum: FILTER_VISIBILITIES })
  @IsOptional()
  @IsIn(FILTER_VISIBILITIES)
  visibility?: (typeof FILTER_VISIBILITIES)[number];

  @ApiPropertyOptional({ description: 'Images present in this region', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  region?: string;

  @ApiPropertyOptional({ enum: SORT_KEYS, default: DEFAULT_SORT, description: 'Ties by id ascending; nulls last in both directions' })
  @IsOptional()
  @IsIn(SORT_KEYS)
  sort?: SortKey;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, type: 'integer' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value))
  // One message for every way to get it wrong (a word, a fraction, a sign, empty, repeated, out of range).
  @IsInt({ message: LIMIT_RULE })
  @Min(1, { message: LIMIT_RULE })
  @Max(200, { message: LIMIT_RULE })
  limit?: number;

  @ApiPropertyOptional({ description: "Opaque: the previous page's page.nextCursor, with the same filters and sort" })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  cursor?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true bypasses the cache (as does the header Cache-Control: no-cache)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  refresh?: 'true' | 'false';
}

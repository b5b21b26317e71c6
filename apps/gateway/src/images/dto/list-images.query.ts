import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ARCHITECTURES, Architecture, IMAGE_STATUSES, ImageStatus, OS_TYPES, OsType } from '@images/core';
import { DEFAULT_SORT, SORT_KEYS, SortKey } from '@images/query';

const LIMIT_RULE = 'must be one whole number from 1 to 200';
const ANY_OF = 'any of several values: a comma list (status=available,pending) or the parameter repeated';
/** More values than any filter has (regions included) is a mistake, not a query. */
const MAX_LISTED_VALUES = 32;

/** A comma list, or the parameter repeated, or both, as one list (`a,b&c` is a, b, c). */
function ListOf(): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => (typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.flatMap((item) => (typeof item === 'string' ? item.split(',') : [item])) : value))(target, key);
    ArrayMaxSize(MAX_LISTED_VALUES, { message: `$property lists more than ${MAX_LISTED_VALUES} values` })(target, key);
  };
}

/** One or more of `values` (ListOf), each checked. */
function OneOrMoreOf(values: readonly string[]): PropertyDecorator {
  return (target, key) => {
    ListOf()(target, key);
    IsIn(values, { each: true, message: `$property must be one or more of ${values.join(', ')}` })(target, key);
  };
}

export const FILTER_VISIBILITIES = ['public', 'private', 'shared', 'market'] as const;

/** `GET /images` query (API.md section 4). Any other parameter is a 400. */
export class ListImagesQuery {
  @ApiPropertyOptional({ description: 'Comma list of enabled provider ids (or the parameter repeated)', example: 'acme,globex' })
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value.join(',') : value))
  @IsString()
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, { message: 'must be a comma list of provider ids' })
  provider?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name', maxLength: 256 })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  name?: string;

  @ApiPropertyOptional({ enum: OS_TYPES, isArray: true, description: ANY_OF })
  @IsOptional()
  @OneOrMoreOf(OS_TYPES)
  osType?: OsType[];

  @ApiPropertyOptional({ enum: ARCHITECTURES, isArray: true, description: ANY_OF })
  @IsOptional()
  @OneOrMoreOf(ARCHITECTURES)
  architecture?: Architecture[];

  @ApiPropertyOptional({ enum: IMAGE_STATUSES, isArray: true, description: ANY_OF })
  @IsOptional()
  @OneOrMoreOf(IMAGE_STATUSES)
  status?: ImageStatus[];

  @ApiPropertyOptional({ enum: FILTER_VISIBILITIES, isArray: true, description: ANY_OF })
  @IsOptional()
  @OneOrMoreOf(FILTER_VISIBILITIES)
  visibility?: Array<(typeof FILTER_VISIBILITIES)[number]>;

  @ApiPropertyOptional({ type: [String], description: `Images present in one of these regions (exact names, up to 64 characters); ${ANY_OF}` })
  @IsOptional()
  @ListOf()
  @IsString({ each: true })
  @Length(1, 64, { each: true, message: 'region must be names of 1 to 64 characters' })
  region?: string[];

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

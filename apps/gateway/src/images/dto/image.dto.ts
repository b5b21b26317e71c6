import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ARCHITECTURES, IMAGE_STATUSES, OS_TYPES, VISIBILITIES } from '@images/core';

/** OpenAPI shapes of the answers (the runtime values are the core types). */
export class ImageDto {
  @ApiProperty({ example: 'didi:4a48f88391134a01befe88ff98b68a88', description: '{provider}:{providerImageId}' }) id!: string;
  @ApiProperty({ example: 'didi' }) provider!: string;
  @ApiProperty({ example: '4a48f88391134a01befe88ff98b68a88' }) providerImageId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: IMAGE_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: "The vendor's own status value, unchanged" }) providerStatus!: string | null;
  @ApiProperty({ enum: VISIBILITIES }) visibility!: string;
  @ApiProperty({ enum: OS_TYPES, nullable: true }) osType!: string | null;
  @ApiProperty({ type: String, nullable: true }) platform!: string | null;
  @ApiProperty({ type: String, nullable: true }) osVersion!: string | null;
  @ApiProperty({ enum: ARCHITECTURES, nullable: true }) architecture!: string | null;
  @ApiProperty({ enum: [32, 64], nullable: true, type: 'integer' }) bits!: number | null;
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

export class ProblemDto {
  @ApiProperty({ example: '/problems/upstream-auth-failed' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: 'integer' }) status!: number;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty() instance!: string;
  @ApiProperty({ example: 'UPSTREAM_AUTH_FAILED' }) code!: string;
  @ApiProperty() requestId!: string;
  @ApiProperty() retryable!: boolean;
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional({ type: UpstreamDto }) upstream?: UpstreamDto;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

export class SourceDto {
  @ApiProperty() provider!: string;
  @ApiProperty({ enum: ['ok', 'stale', 'error'] }) status!: string;
  @ApiProperty({ enum: ['hit', 'miss', 'stale', 'bypass'] }) cache!: string;
  @ApiPropertyOptional({ type: 'integer' }) ageSeconds?: number;
  @ApiProperty({ type: 'integer', description: 'Images from this provider matching the filters' }) count!: number;
  @ApiProperty({ type: 'integer' }) latencyMs!: number;
  @ApiPropertyOptional({ type: ProblemDto }) error?: ProblemDto;
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
  @ApiProperty({ example: 'didi' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: [String], example: ['list'] }) capabilities!: string[];
  @ApiProperty({ enum: ['closed', 'open', 'half-open'] }) circuit!: string;
  @ApiProperty({ type: String, nullable: true }) lastSuccessAt!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) lastError!: Record<string, unknown> | null;
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderStateDto] }) providers!: ProviderStateDto[];
}

import { ApiProperty } from '@nestjs/swagger';

/** @nestjs/terminus' report: each check under its name, in `info` when up and in `error` when down. */
export class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The checks that are up, by name' }) info!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The checks that are down, by name' }) error!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Every check, by name' }) details!: Record<string, unknown>;
}

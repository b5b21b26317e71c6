import { ApiProperty } from '@nestjs/swagger';
import { PROBLEMS } from '@images/core';

/** What one problem type means (GET /problems/{type}); the same fields as the pages for browsers. */
export class ProblemTypeDto {
  @ApiProperty({ example: '/problems/not-found' }) type!: string;
  @ApiProperty({ enum: Object.keys(PROBLEMS), example: 'NOT_FOUND' }) code!: string;
  @ApiProperty({ type: 'integer', example: 404 }) status!: number;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Whether the same request may succeed later' }) retryable!: boolean;
}

export class ProblemTypeListDto {
  @ApiProperty({ type: [ProblemTypeDto] }) problems!: ProblemTypeDto[];
}

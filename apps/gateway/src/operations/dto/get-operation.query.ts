import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The longest a caller may hold a request open waiting for a job to move. */
export const MAX_WAIT_SECONDS = 30;
const WAIT_RULE = `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`;

export class GetOperationQuery {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_WAIT_SECONDS,
    type: 'integer',
    description: "Answer when the operation changes (from the If-None-Match ETag, else from its state at the request) or after this many seconds, whichever is first; a finished operation at once",
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value))
  @IsInt({ message: WAIT_RULE })
  @Min(0, { message: WAIT_RULE })
  @Max(MAX_WAIT_SECONDS, { message: WAIT_RULE })
  wait?: number;
}

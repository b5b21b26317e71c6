import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { EVENT_TYPES } from '../event-bus';

const commaJoined = ({ value }: { value: unknown }) => (Array.isArray(value) ? value.join(',') : value);
const TYPE_LIST = new RegExp(`^(${EVENT_TYPES.map((type) => type.replace('.', '\\.')).join('|')})(,(${EVENT_TYPES.map((type) => type.replace('.', '\\.')).join('|')}))*$`);

/** `GET /events` query. Any other parameter is a 400. */
export class EventsQuery {
  @ApiPropertyOptional({ description: 'Comma list of enabled provider ids (or the parameter repeated): only their events', example: 'acme,globex' })
  @IsOptional()
  @Transform(commaJoined)
  @IsString()
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, { message: 'must be a comma list of provider ids' })
  provider?: string;

  @ApiPropertyOptional({ description: `Comma list of event types (or the parameter repeated): ${EVENT_TYPES.join(', ')}`, example: 'image.added,image.removed' })
  @IsOptional()
  @Transform(commaJoined)
  @IsString()
  @Matches(TYPE_LIST, { message: `must be a comma list of ${EVENT_TYPES.join(', ')}` })
  type?: string;
}

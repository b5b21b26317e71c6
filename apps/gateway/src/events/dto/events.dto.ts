import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

  @ApiPropertyOptional({
    description: 'A stream ticket from POST /events/tickets, for a browser EventSource (which cannot send a key); ignored when a key or token is sent. Never a key itself.',
    example: 'est_3q2-7wEvQ0sAbhxw0Yh0PZ8CgkLMIfL1Qn2aXhKfYkE',
  })
  @IsOptional()
  @IsString()
  ticket?: string;

  @ApiPropertyOptional({ description: 'The Last-Event-ID to resume after, for a client that cannot send the header (a new EventSource); the header wins', example: '1764600000000-0' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}-\d{1,20}$/, { message: 'must be an event id ({ms}-{seq})' })
  lastEventId?: string;
}

/** `POST /events/tickets` answer. */
export class EventTicketDto {
  @ApiProperty({ description: 'Opens GET /events?ticket=… as the caller who asked for it, until expiresAt (reconnects included)', example: 'est_3q2-7wEvQ0sAbhxw0Yh0PZ8CgkLMIfL1Qn2aXhKfYkE' })
  ticket!: string;

  @ApiProperty({ description: 'When the ticket stops opening streams (EVENTS_TICKET_TTL_SECONDS, or the token’s exp if sooner); open streams go on', format: 'date-time' })
  expiresAt!: string;
}

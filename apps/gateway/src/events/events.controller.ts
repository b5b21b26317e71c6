import { Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerOf, trackerOf } from '../callers/caller';
import { AcceptsStreamTicket, RequiresScope } from '../callers/scopes';
import { StreamTickets } from '../callers/stream-tickets';
import { validationFailed } from '../common/validation';
import { ApiProblems } from '../docs/openapi';
import { AnswersOnce } from '../idempotency/idempotency.interceptor';
import { ProviderDirectory } from '../providers/provider-directory';
import { EVENT_TYPES, EventType } from './event-bus';
import { EventStreams } from './event-streams';
import { EventTicketDto, EventsQuery } from './dto/events.dto';

// An event stream has no JSON schema in OpenAPI 3.0: the frames' `data` is described here and in docs/API.md.
const STREAM_DESCRIPTION = [
  'Server-Sent Events, one per change: `event` is its type, `id` its stream id, `data` one line of JSON, always with',
  '`provider`: `image` (the image as GET /images/{id} has it) on image.added and image.changed, with `fields` (the names',
  'of the changed fields) on image.changed; `id`, `providerImageId` and `name` on image.removed; `operation` on',
  'operation.updated; `circuit` on provider.degraded and provider.recovered. A comment line is sent every',
  'EVENTS_HEARTBEAT_MS. On reconnect with Last-Event-ID the missed events follow; when that id is no longer held, one',
  '`reset` event tells the caller to list again.',
].join(' ');

/** `GET /events`: catalog changes as they are learnt, by any replica (issue 13). */
@ApiTags('events')
@RequiresScope('images.read')
@Controller('events')
export class EventsController {
  constructor(
    private readonly streams: EventStreams,
    private readonly directory: ProviderDirectory,
    private readonly tickets: StreamTickets,
  ) {}

  @Get()
  @AcceptsStreamTicket()
  @ApiOperation({ summary: `Catalog changes as Server-Sent Events: ${EVENT_TYPES.join(', ')}; resumable with Last-Event-ID` })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event the caller has (EventSource sends it on reconnect)' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: { type: 'string', description: 'id, event and data lines, a blank line after each event' } } } })
  @ApiProblems('VALIDATION_FAILED', 'RATE_LIMITED', 'UPSTREAM_UNAVAILABLE')
  async stream(@Query() query: EventsQuery, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const providers = query.provider === undefined ? null : new Set(query.provider.split(','));
    const unknown = [...(providers ?? [])].filter((id) => !this.directory.get(id));
    if (unknown.length > 0) throw validationFailed([{ field: 'provider', message: `must be enabled providers (${this.directory.ids.join(', ')}); not ${unknown.join(', ')}` }]);
    const types = query.type === undefined ? null : new Set(query.type.split(',') as EventType[]);
    const body = await this.streams.start({ tracker: trackerOf(reply.request), providers, types, lastEventId: lastEventId?.trim() || query.lastEventId });
    // no-transform and X-Accel-Buffering: proxies pass each event on as it comes, not when a buffer fills. Connection:
    // close: a stream that ends (the replica drains) takes its socket with it, instead of leaving it idle for keep-alive.
    reply.headers({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', 'x-accel-buffering': 'no', connection: 'close' });
    await reply.send(body);
  }

  // Like every POST, it honours Idempotency-Key; its answer is no-store, so a repeat is a new ticket, never a replay.
  @AnswersOnce()
  @Post('tickets')
  @HttpCode(200)
  @ApiOperation({ summary: 'A short-lived ticket that opens GET /events?ticket=… as this caller: for a browser EventSource, which cannot send a key' })
  @ApiOkResponse({ type: EventTicketDto, description: 'The ticket (answered Cache-Control: no-store, never replayed by Idempotency-Key)' })
  @ApiProblems('RATE_LIMITED')
  async ticket(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<EventTicketDto> {
    const { ticket, expiresAt } = await this.tickets.issue(callerOf(request)!);
    reply.header('cache-control', 'no-store');
    return { ticket, expiresAt: expiresAt.toISOString() };
  }
}

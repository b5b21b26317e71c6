import type { Logger } from 'pino';
import { Image, Operation, imageId } from '@images/core';
import { CircuitStateName, diffCatalog } from '@images/catalog';
import { EventBus, GatewayEvent, StoredEvent } from './event-bus';
import { PublishedCatalogs } from './published-catalogs';

/** Operations whose last state this replica remembers, to tell an update from a repeat without asking Redis. */
const OPERATIONS_REMEMBERED = 1000;
/** How long the deployment remembers what it last told of an operation, and that a provider recovered. */
const OPERATION_STATE_TTL_MS = 24 * 3600_000;
const RECOVERED_STATE_TTL_MS = 7 * 24 * 3600_000;
/**
 * "Degraded" lapses unless a replica's circuit trips again (each failed half-open trial renews it): if every replica
 * that saw the outage is gone, the next outage is told, not taken for the old one.
 */
export const degradedStateTtlMs = (circuitHalfOpenAfterMs: number): number => Math.max(60_000, 3 * circuitHalfOpenAfterMs);

/**
 * Turns what this replica learns into events: a catalog it fetched (diffed against the last published one), a circuit
 * that opened or closed, an operation seen in a new state. Catalogs of one provider are diffed one after another.
 */
export class EventPublisher {
  private readonly diffs = new Map<string, Promise<void>>();
  private readonly circuits = new Map<string, CircuitStateName>();
  private readonly operations = new Map<string, string>();

  constructor(
    private readonly bus: EventBus,
    private readonly published: PublishedCatalogs,
    private readonly logger: Logger,
    /** The events this replica published (each is published by one replica): webhooks deliver these without Redis. */
    private readonly onPublished: (events: readonly StoredEvent[]) => void = () => undefined,
    private readonly degradedTtlMs = degradedStateTtlMs(10_000),
  ) {}

  catalogStored(provider: string, images: readonly Image[]): Promise<void> {
    const previous = this.diffs.get(provider) ?? Promise.resolve();
    const next = previous.then(() => this.diffAndPublish(provider, images)).catch((error: unknown) => {
      this.logger.warn({ provider, err: error instanceof Error ? error.message : String(error) }, 'catalog change events not published');
    });
    this.diffs.set(provider, next);
    void next.finally(() => this.diffs.get(provider) === next && this.diffs.delete(provider));
    return next;
  }

  /**
   * Degraded when a circuit opens from closed, recovered when it closes again (a failed half-open trial is the same
   * outage). Circuits are per replica; what is told is the deployment's: the first replica whose circuit opens tells
   * it, the first whose circuit closes after that tells the recovery, and the others' same changes are not news.
   */
  circuitChanged(provider: string, state: CircuitStateName): void {
    const before = this.circuits.get(provider) ?? 'closed';
    this.circuits.set(provider, state);
    // Every trip renews "degraded" (news only if it had lapsed or said recovered); only a trip from closed starts one.
    if (state === 'open' && before !== 'open') this.sendOnce(`circuit:${provider}`, 'open', this.degradedTtlMs, (previous) => previous !== 'open', { type: 'provider.degraded', provider, data: { provider, circuit: state } });
    else if (state === 'closed' && before !== 'closed') this.sendOnce(`circuit:${provider}`, 'closed', RECOVERED_STATE_TTL_MS, (previous) => previous !== 'closed', { type: 'provider.recovered', provider, data: { provider, circuit: state } });
  }

  /** An operation as just read from its vendor: an event when the deployment has not told this state of it yet. */
  operationSeen(provider: string, operation: Operation, version: string): void {
    const before = this.operations.get(operation.id);
    this.operations.delete(operation.id);
    this.operations.set(operation.id, version);
    if (this.operations.size > OPERATIONS_REMEMBERED) this.operations.delete(this.operations.keys().next().value!);
    if (before !== version) this.sendOnce(`operation:${operation.id}`, version, OPERATION_STATE_TTL_MS, (previous) => previous !== version, { type: 'operation.updated', provider, data: { provider, operation } });
  }

  private async diffAndPublish(provider: string, images: readonly Image[]): Promise<void> {
    const previous = await this.published.read(provider);
    const diff = diffCatalog(previous ?? new Map(), images);
    if (previous === null) return this.published.write(provider, diff.prints, []);
    const events: GatewayEvent[] = [
      ...diff.added.map((image): GatewayEvent => ({ type: 'image.added', provider, data: { provider, image } })),
      ...diff.changed.map(({ image, fields }): GatewayEvent => ({ type: 'image.changed', provider, data: { provider, image, fields } })),
      ...diff.removed.map(({ providerImageId, name }): GatewayEvent => ({ type: 'image.removed', provider, data: { provider, id: imageId(provider, providerImageId), providerImageId, name } })),
    ];
    if (events.length === 0) return;
    const touched = new Map([...diff.added, ...diff.changed.map(({ image }) => image)].map((image) => [image.providerImageId, diff.prints.get(image.providerImageId)!]));
    await this.published.write(provider, touched, diff.removed.map(({ providerImageId }) => providerImageId));
    this.onPublished(await this.bus.publish(events));
  }

  /**
   * Publishes `event` if swapping the deployment's state of `name` to `value` shows it is news. If the publish fails,
   * the state is put back, so another replica (or this one, next time) tells it instead of nobody.
   */
  private sendOnce(name: string, value: string, ttlMs: number, isNews: (previous: string | null) => boolean, event: GatewayEvent): void {
    const warn = (error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'events not published');
    void this.published.swapState(name, value, ttlMs).then(async (previous) => {
      if (!isNews(previous)) return;
      try {
        this.onPublished(await this.bus.publish([event]));
      } catch (error) {
        warn(error);
        await this.published.restoreState(name, value, previous, ttlMs).catch(warn);
      }
    }, warn);
  }

}

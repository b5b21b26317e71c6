import { Injectable } from '@nestjs/common';
import { Operation } from '@images/core';
import { ProviderCalls } from '../catalog/provider-calls';
import { ProviderDirectory } from '../providers/provider-directory';

/** Operations this replica has seen finish: their catalog was invalidated once, not on every later poll. */
const SETTLED_MEMORY = 1000;

/** `GET /operations/{id}`: a vendor job, polled at its provider. */
@Injectable()
export class OperationsService {
  private readonly settled = new Set<string>();

  constructor(
    private readonly directory: ProviderDirectory,
    private readonly calls: ProviderCalls,
  ) {}

  async get(id: string, requestId: string): Promise<Operation> {
    const { provider, localId } = this.directory.owner(id, 'operation');
    const operation = await this.calls.read(provider, 'getOperation', requestId, (getOperation, ctx) => getOperation(localId, ctx));
    if (operation.status !== 'running') await this.onSettled(provider.id, id);
    return operation;
  }

  /**
   * A job that has just finished changed the catalog (an image became available, or failed): the next list
   * must show it, as after any write.
   */
  private async onSettled(providerId: string, id: string): Promise<void> {
    if (this.settled.has(id)) return;
    this.settled.add(id);
    if (this.settled.size > SETTLED_MEMORY) this.settled.delete(this.settled.values().next().value!);
    await this.calls.invalidate(providerId, 'an operation finished');
  }
}

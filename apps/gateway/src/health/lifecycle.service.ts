import { Injectable } from '@nestjs/common';

/** Whether this replica should receive traffic: not before it listens, not once it drains. */
@Injectable()
export class LifecycleService {
  private state: 'starting' | 'serving' | 'draining' = 'starting';

  get phase() {
    return this.state;
  }

  markServing(): void {
    if (this.state === 'starting') this.state = 'serving';
  }

  markDraining(): void {
    this.state = 'draining';
  }
}

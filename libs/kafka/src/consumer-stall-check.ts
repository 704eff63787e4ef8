import { Injectable } from '@nestjs/common';
import { ServiceSettings } from '@switchboard/config';
import { ReadinessRegistry } from '@switchboard/observability';
import type { ConsumerProgress, PartitionStall } from './consumer-progress';

/**
 * The readiness check `consumer-progress` of a service: not ready while any of its consumers
 * has a partition with lag that made no progress for longer than CONSUMER_STALL_MS (a
 * dependency failing transiently, retried forever). A caught-up partition is idle, not stuck.
 * The readiness body names each stuck group and partition and for how long.
 */
@Injectable()
export class ConsumerStallCheck {
  private readonly consumers = new Set<ConsumerProgress>();
  private readonly boundMs: number;

  constructor(settings: ServiceSettings, readiness: ReadinessRegistry) {
    this.boundMs = settings.CONSUMER_STALL_MS;
    readiness.register(
      'consumer-progress',
      () => this.stalls().length === 0,
      () => {
        const stalls = this.stalls();
        return stalls.length > 0 ? { stalledPartitions: stalls, stallBoundMs: this.boundMs } : undefined;
      },
    );
  }

  /** Counts `progress` in this service's readiness. */
  watch(progress: ConsumerProgress): void {
    this.consumers.add(progress);
  }

  stalls(): PartitionStall[] {
    return [...this.consumers].flatMap((progress) => progress.stalls(this.boundMs));
  }
}

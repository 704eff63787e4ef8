import { BaseRpcContext } from '@nestjs/microservices';
import type { BatchContext } from './record-consumer';

type ContextArgs = [groupId: string, topic: string, partition: number, batch: BatchContext | undefined];

/** What a `KafkaBatchTransport` handler gets as `@Ctx()`: where its records come from. */
export class KafkaConsumerContext extends BaseRpcContext<ContextArgs> {
  /** The Kafka group id (with the run's prefix), as DLQ records name it. */
  getGroupId(): string {
    return this.args[0];
  }

  getTopic(): string {
    return this.args[1];
  }

  getPartition(): number {
    return this.args[2];
  }

  /**
   * Changes whenever the partition may have been with another member of the group since the
   * previous batch (it counts the consumer's joins); -1 outside a batch.
   */
  getAssignment(): number {
    return this.args[3]?.assignment ?? -1;
  }

  /** Keeps the group membership alive during a long batch; record handlers need not call it. */
  heartbeat(): Promise<void> {
    return this.args[3]?.heartbeat() ?? Promise.resolve();
  }
}

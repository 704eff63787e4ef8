import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { FILTER_PROGRESS_INTERVAL_MS, type FilterProgress, type TopicNames } from '@switchboard/contracts';
import { KafkaProducer, TOPICS } from '@switchboard/kafka';
import { BlocklistFollower } from './blocklist.follower';

/**
 * Publishes how far this instance has applied the blocklist: right after every change and
 * every second as a heartbeat; a tombstone on shutdown. The gateway waits on these reports
 * to confirm a block.
 */
@Injectable()
export class ProgressReporter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProgressReporter.name);
  readonly instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly producer: KafkaProducer,
    private readonly blocklist: BlocklistFollower,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  onApplicationBootstrap(): void {
    this.blocklist.onApplied(() => void this.report());
    this.timer = setInterval(() => void this.report(), FILTER_PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  /** Publishes the current progress; resolves once Kafka acknowledged it. */
  report(): Promise<void> {
    // Reports go out one at a time and in order, each with the latest offsets.
    this.sending = this.sending
      .then(() => this.send())
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not publish filter progress');
      });
    return this.sending;
  }

  /** After the inbound consumer stopped (module destroy), withdraw this instance. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.sending;
    await this.producer
      .send([{ topic: this.topics.filterProgress, key: this.instanceId, value: null }])
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not withdraw filter progress'));
  }

  private async send(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const progress: FilterProgress = {
      instanceId: this.instanceId,
      appliedOffsets: this.blocklist.appliedOffsets(),
      loaded: this.blocklist.isLoaded,
      reportedAt: new Date().toISOString(),
      host: hostname(),
    };
    await this.producer.send([
      { topic: this.topics.filterProgress, key: this.instanceId, value: JSON.stringify(progress) },
    ]);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { BlockedMessage, TopicNames } from '@switchboard/contracts';
import {
  deadLetterRecord,
  KafkaProducer,
  TOPICS,
  type ConsumedRecord,
  type OutboundRecord,
} from '@switchboard/kafka';
import { counter } from '@switchboard/observability';
import { BlocklistFollower } from '../blocklist/blocklist.follower';
import { routeMessage } from './route-message';

const routedMessages = counter({
  name: 'switchboard_filter_messages_total',
  help: 'Inbound messages routed, by route (accepted, blocked, invalid)',
  labelNames: ['route'] as const,
});

/**
 * Routes every `messages.inbound` record to exactly one of `messages.accepted`,
 * `messages.blocked` or `messages.inbound.dlq`, a partition batch at a time; resolves once
 * all its outputs are acknowledged, so the batch's offsets are committed only after that.
 */
@Injectable()
export class InboundMessagesRouter {
  constructor(
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    private readonly blocklist: BlocklistFollower,
  ) {}

  /** `groupId` names the filter's consumer group in the DLQ records. */
  async route(records: ConsumedRecord[], groupId: string): Promise<void> {
    const outputs: OutboundRecord[] = [];
    const now = Date.now();
    const droppedAt = new Date(now).toISOString();
    let accepted = 0;
    let blocked = 0;
    let invalid = 0;
    for (const record of records) {
      const route = routeMessage(record.value, this.blocklist.state, now);
      switch (route.kind) {
        case 'accepted':
          accepted++;
          // Keyed by the sender's one spelling, so one partition counts a sender however it was
          // written; a record keyed so already goes on as it came (the common case, no copy).
          outputs.push({
            topic: this.topics.messagesAccepted,
            key: route.key,
            value: route.key === record.key?.toString() ? record.value : JSON.stringify(route.message),
          });
          break;
        case 'blocked': {
          blocked++;
          const value: BlockedMessage = { message: route.message, block: route.block, droppedAt };
          outputs.push({ topic: this.topics.messagesBlocked, key: route.key, value: JSON.stringify(value) });
          break;
        }
        case 'invalid':
          invalid++;
          outputs.push(deadLetterRecord(record, route.error, groupId));
          break;
      }
    }
    await this.producer.send(outputs);
    routedMessages.inc({ route: 'accepted' }, accepted);
    routedMessages.inc({ route: 'blocked' }, blocked);
    routedMessages.inc({ route: 'invalid' }, invalid);
  }
}

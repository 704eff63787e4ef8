import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ContractViolationError,
  identityKey,
  InboundMessage,
  validateContract,
  type TopicNames,
} from '@switchboard/contracts';
import { KafkaProducer, TOPICS, type OutboundRecord } from '@switchboard/kafka';
import { counter } from '@switchboard/observability';
import { GatewaySettings } from '../gateway-settings';
import { ApiError } from '../problems/api-error';
import type { ChannelDeliveryView } from './channel-delivery-view';
import { RecentMessageIds } from './recent-message-ids';

/**
 * A channel message as an adapter read it from a platform's webhook, before the contract has
 * checked it: any field may be missing or wrong. The tenant comes from the verified URL.
 */
export type ChannelMessage = { [Field in Exclude<keyof InboundMessage, 'tenantId'>]?: unknown };

/** What publishing the messages of one webhook call did. */
export type ChannelDelivery = Omit<ChannelDeliveryView, 'acknowledged'>;

const channelMessages = counter({
  name: 'switchboard_gateway_channel_messages_total',
  help: 'Messages read from channel webhooks, by platform and outcome (published, duplicate, invalid)',
  labelNames: ['platform', 'outcome'] as const,
});

/**
 * Publishes the messages a channel webhook carried to `messages.inbound`, keyed by the sender's
 * one spelling like every other way in. A message the contract refuses is published too, as it
 * was read: the message filter sends it to `messages.inbound.dlq` with the reason (the one
 * place inbound messages are judged), so none is dropped in silence. A message this instance
 * published already (same tenant, channel and message id) is not published again.
 */
@Injectable()
export class ChannelMessagePublisher {
  private readonly logger = new Logger(ChannelMessagePublisher.name);
  private readonly recent: RecentMessageIds;
  /**
   * The publication under way of each id claimed and not yet published: a redelivery that
   * arrives meanwhile is answered with its outcome, not `duplicate` at once (the platform may
   * have dropped the first connection, and nobody would retry a message whose publication fails).
   */
  private readonly publishing = new Map<string, Promise<void>>();

  constructor(
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    settings: GatewaySettings,
  ) {
    this.recent = new RecentMessageIds(settings.CHANNEL_RECENT_MESSAGE_IDS);
  }

  async publish(platform: string, tenantId: string, messages: ChannelMessage[]): Promise<ChannelDelivery> {
    const records: OutboundRecord[] = [];
    const claimed: string[] = [];
    // Publications of other calls that this call answers `duplicate` for: not before they succeed.
    const publishedElsewhere = new Set<Promise<void>>();
    const delivery: ChannelDelivery = { published: 0, duplicates: 0, invalid: 0 };
    let sending: Promise<void> | undefined;
    let mapped = false;
    try {
      for (const message of messages) {
        const plain = { ...message, tenantId };
        const claim =
          typeof plain.messageId === 'string' && `${tenantId}|${String(plain.channel)}|${plain.messageId}`;
        if (claim !== false) {
          if (!this.recent.claim(claim)) {
            delivery.duplicates += 1;
            const inFlight = this.publishing.get(claim);
            if (inFlight) {
              publishedElsewhere.add(inFlight);
            }
            continue;
          }
          claimed.push(claim);
        }
        records.push(this.recordOf(platform, plain, delivery));
      }
      mapped = true;
      const sent = records.length > 0 ? this.producer.send(records) : Promise.resolve();
      sending = sent;
      claimed.forEach((claim) => this.publishing.set(claim, sent));
      await sent;
    } catch (error) {
      // Nothing of this call is on the topic: the platform's retry must go through.
      claimed.forEach((claim) => this.recent.release(claim));
      throw mapped ? unavailable(error) : error;
    } finally {
      claimed.forEach((claim) => {
        if (this.publishing.get(claim) === sending) {
          this.publishing.delete(claim);
        }
      });
    }
    // This call's own messages are published (their ids stay taken); a redelivery it carried
    // fails with the publication it waits for, so the platform retries that one.
    try {
      await Promise.all(publishedElsewhere);
    } catch (error) {
      throw unavailable(error);
    }
    delivery.published = records.length;
    channelMessages.inc({ platform, outcome: 'published' }, delivery.published - delivery.invalid);
    channelMessages.inc({ platform, outcome: 'invalid' }, delivery.invalid);
    channelMessages.inc({ platform, outcome: 'duplicate' }, delivery.duplicates);
    return delivery;
  }

  private recordOf(
    platform: string,
    plain: ChannelMessage & { tenantId: string },
    delivery: ChannelDelivery,
  ): OutboundRecord {
    const topic = this.topics.messagesInbound;
    try {
      const message = validateContract(InboundMessage, plain);
      return {
        topic,
        key: identityKey(message.tenantId, message.channel, message.from),
        value: JSON.stringify(message),
      };
    } catch (error) {
      if (!(error instanceof ContractViolationError)) {
        throw error;
      }
      delivery.invalid += 1;
      // The reason names fields and rules, never their values.
      this.logger.warn(
        { platform, tenantId: plain.tenantId, messageId: plain.messageId, reason: error.message },
        'a channel message does not satisfy the contract; the message filter dead-letters it',
      );
      return {
        topic,
        key: identityKey(plain.tenantId, String(plain.channel), String(plain.from)),
        value: JSON.stringify(plain),
      };
    }
  }
}

function unavailable(error: unknown): ApiError {
  return new ApiError(
    'dependency-unavailable',
    `the messages could not be published: ${(error as Error).message}`,
  );
}

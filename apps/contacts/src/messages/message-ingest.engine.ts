import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  BlockedMessage,
  COMMAND_SCHEMA_VERSION,
  commandKey,
  contactIdFor,
  identityKey,
  parseInboundMessage,
  parseJson,
  validateContract,
  type ContactCommandOf,
  type InboundMessage,
  type TopicNames,
} from '@switchboard/contracts';
import {
  classifyFailure,
  deadLetterRecord,
  KafkaProducer,
  TOPICS,
  type ConsumedRecord,
  type OutboundRecord,
} from '@switchboard/kafka';
import { counter } from '@switchboard/observability';
import { IdentityClaimsRepository } from '../contacts/identity-claims.repository';
import { foldActivity, type ActivityChange } from './identity-activity-fold';
import { identityActivityId, type IdentityActivity } from './identity-activity.schema';
import { IdentityActivityRepository, type ActivityWrite } from './identity-activity.repository';
import { MessageHistoryRepository } from './message-history.repository';
import type { MessageStatus, StoredMessage } from './stored-message.schema';

/** Namespace of the command ids that create contacts from their first message (UUIDv5). */
const FIRST_MESSAGE_NAMESPACE = '0d6f1b8e-51a3-4bb2-9c55-2b8f0f6b7c21';

/** How many senders a partition remembers having asked to create (repeats are harmless). */
const CREATES_REMEMBERED = 50_000;

const messagesRecorded = counter({
  name: 'switchboard_contact_messages_recorded_total',
  help: 'Inbound messages counted on their sender, by status (accepted, blocked) and outcome',
  labelNames: ['status', 'outcome'] as const,
});

interface ReadMessage {
  record: ConsumedRecord;
  offset: number;
  message: InboundMessage;
  identityKey: string;
  activityId: string;
}

/**
 * Records a partition batch of `messages.accepted` or `messages.blocked` in a fixed number of
 * round trips, whatever its size: one read of the senders' activity and owners, one bounded
 * insert of the messages, one bounded write of the activity, one send of the commands that
 * create unknown senders' contacts (on the contacts' own partitions) and of the DLQ copies.
 *
 * The partition owns its senders' activity documents (they are keyed by the same identity
 * key), so no other process writes them; everything it writes is idempotent by the record's
 * offset, so a batch retried after a crash or a rebalance changes nothing twice.
 */
@Injectable()
export class MessageIngestEngine {
  private readonly createsSent = new Set<string>();

  constructor(
    private readonly history: MessageHistoryRepository,
    private readonly activity: IdentityActivityRepository,
    private readonly identityClaims: IdentityClaimsRepository,
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  async ingest(records: ConsumedRecord[], status: MessageStatus, groupId: string): Promise<void> {
    const deadLetters: OutboundRecord[] = [];
    const read: ReadMessage[] = [];
    for (const record of records) {
      try {
        read.push(readMessage(record, status));
      } catch (error) {
        if (classifyFailure(error) !== 'poison') {
          throw error;
        }
        deadLetters.push(deadLetterRecord(record, error, groupId));
      }
    }
    const [current, owners] = await Promise.all([
      this.activity.findByIds(unique(read.map((item) => item.activityId))),
      this.identityClaims.ownersByKey(unique(read.map((item) => item.identityKey))),
    ]);
    // Records at or below a document's offset were counted by an earlier attempt.
    const fresh = read.filter((item) => item.offset > (current.get(item.activityId)?.appliedOffset ?? -1));
    const ownerOf = (item: ReadMessage) =>
      owners.get(item.identityKey) ?? contactIdFor(item.message.tenantId, senderOf(item.message));
    const holders = await this.history.storeNew(fresh.map((item) => storedMessage(item, status)));
    const counts = (item: ReadMessage) => holders.has(sourceOf(item.record));
    await this.activity.write(activityWrites(fresh, counts, current, status, ownerOf));
    // From every record, not only the fresh ones: a retry after the writes above sends them still.
    const creates = this.createCommands(read, owners);
    await this.producer.send([...creates.values(), ...deadLetters]);
    this.remember(creates.keys());
    const counted = fresh.filter(counts).length;
    messagesRecorded.inc({ status, outcome: 'recorded' }, counted);
    messagesRecorded.inc({ status, outcome: 'duplicate' }, read.length - counted);
  }

  /**
   * A `contact.create` for each sender nobody owns, as the contact's first command: applied by
   * the consumer of the contact's partition like any other (an upsert by identity, once per
   * sender: the command id is the identity's).
   */
  private createCommands(read: ReadMessage[], owners: Map<string, string>): Map<string, OutboundRecord> {
    const commands = new Map<string, OutboundRecord>();
    for (const { identityKey: key, message } of read) {
      if (owners.has(key) || this.createsSent.has(key) || commands.has(key)) {
        continue;
      }
      const identity = senderOf(message);
      const command: ContactCommandOf<'contact.create'> = {
        commandId: uuidv5(key, FIRST_MESSAGE_NAMESPACE),
        tenantId: message.tenantId,
        contactId: contactIdFor(message.tenantId, identity),
        actor: { id: 'message-ingest', kind: 'system', role: 'agent' },
        issuedAt: new Date().toISOString(),
        type: 'contact.create',
        version: COMMAND_SCHEMA_VERSION,
        payload: { identities: [identity], ...(message.profile?.name && { name: message.profile.name }) },
      };
      commands.set(key, {
        topic: this.topics.contactCommands,
        key: commandKey(command),
        value: JSON.stringify(command),
        headers: { 'command-type': command.type },
      });
    }
    return commands;
  }

  /** Senders whose create was sent: later messages before it is applied need not send it again. */
  private remember(keys: Iterable<string>): void {
    for (const key of keys) {
      if (this.createsSent.size >= CREATES_REMEMBERED) {
        this.createsSent.clear();
      }
      this.createsSent.add(key);
    }
  }
}

function readMessage(record: ConsumedRecord, status: MessageStatus): ReadMessage {
  const message =
    status === 'accepted'
      ? parseInboundMessage(record.value)
      : validateContract(BlockedMessage, parseJson(record.value)).message;
  const key = identityKey(message.tenantId, message.channel, message.from);
  return {
    record,
    offset: Number(record.offset),
    message,
    identityKey: key,
    activityId: identityActivityId(key, status),
  };
}

function activityWrites(
  fresh: ReadMessage[],
  counts: (item: ReadMessage) => boolean,
  current: Map<string, IdentityActivity>,
  status: MessageStatus,
  ownerOf: (item: ReadMessage) => string,
): ActivityWrite[] {
  const changes = new Map<string, ActivityChange>();
  for (const item of fresh) {
    const change = changes.get(item.activityId) ?? {
      _id: item.activityId,
      tenantId: item.message.tenantId,
      contactId: ownerOf(item),
      status,
      counted: [],
      throughOffset: item.offset,
    };
    change.throughOffset = Math.max(change.throughOffset, item.offset);
    if (counts(item)) {
      const sentAt = new Date(item.message.sentAt);
      change.counted.push({ offset: item.offset, sentAt, view: { ...viewOf(item.message), status } });
    }
    changes.set(item.activityId, change);
  }
  const writes: ActivityWrite[] = [];
  for (const change of changes.values()) {
    const before = current.get(change._id);
    const next = foldActivity(before, change);
    if (next) {
      writes.push({ next, ...(before && { readOffset: before.appliedOffset }) });
    }
  }
  return writes;
}

function storedMessage(item: ReadMessage, status: MessageStatus): StoredMessage {
  const { message, record } = item;
  return {
    _id: messageKey(message),
    tenantId: message.tenantId,
    identity: `${message.channel}|${message.from}`,
    ...viewOf(message),
    sentAt: new Date(message.sentAt),
    status,
    source: sourceOf(record),
  };
}

function viewOf(message: InboundMessage) {
  return {
    messageId: message.messageId,
    channel: message.channel,
    from: message.from,
    type: message.type,
    content: message.content,
    sentAt: message.sentAt,
  };
}

/** Where a record is: what a stored message names as the record that stored it. */
function sourceOf(record: ConsumedRecord): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}

function messageKey(message: InboundMessage): string {
  return `${message.tenantId}:${message.messageId}`;
}

function senderOf(message: InboundMessage) {
  return { channel: message.channel, address: message.from };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

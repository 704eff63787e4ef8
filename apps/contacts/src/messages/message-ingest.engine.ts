import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  BlockedMessage,
  COMMAND_SCHEMA_VERSION,
  commandRecord,
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
import { messageViewOf, type MessageStatus, type StoredMessage } from './stored-message.schema';

/** Namespace of the command ids that create contacts from their first message (UUIDv5). */
const FIRST_MESSAGE_NAMESPACE = '0d6f1b8e-51a3-4bb2-9c55-2b8f0f6b7c21';

/** Entries each memory of this engine keeps before it starts over (a bound, not a tuning). */
const REMEMBERED_MAX = 200_000;

/**
 * How long after taking up a partition its writes are read back: a former owner finishing its
 * last batch can only write in this window (its session has ended after 30 s), and on a store
 * whose conditional updates are not atomic (FerretDB 1.24) its write could land after ours.
 */
const SETTLING_MS = 60_000;

const messagesRecorded = counter({
  name: 'switchboard_contact_messages_recorded_total',
  help: 'Inbound messages counted on their sender, by status (accepted, blocked) and outcome',
  labelNames: ['status', 'outcome'] as const,
});

export interface ReadMessage {
  record: ConsumedRecord;
  offset: number;
  message: InboundMessage;
  identityKey: string;
  activityId: string;
}

/** Where a batch comes from, and how it keeps its group membership during the work. */
export interface IngestBatch {
  records: ConsumedRecord[];
  status: MessageStatus;
  groupId: string;
  heartbeat: () => Promise<void>;
}

/**
 * Records a partition batch of `messages.accepted` or `messages.blocked` in a fixed number of
 * round trips, whatever its size: the senders' activity and owners (exact reads, of what the
 * partition's memory does not hold), one bounded insert of the messages, one bounded write of
 * the activity, one send of the commands that create unknown senders' contacts (on the
 * contacts' own partitions) and of the DLQ copies.
 *
 * The partition owns its senders' activity documents (they are keyed by the same identity
 * key), so no other process writes them while it holds the partition, and what it wrote it
 * can remember. Everything it writes is idempotent by the record's position, so a batch retried
 * after a crash or a rebalance changes nothing twice (docs/operations.md, "Message ingest").
 */
@Injectable()
export class MessageIngestEngine {
  /** Activity documents as this process last wrote or read them, per partition it handled. */
  private readonly activityByPartition = new Map<string, PartitionMemory>();
  /** Identity claims seen (they never change once made); unknown ones are read every time. */
  private readonly owners = new Map<string, string>();
  private readonly createsSent = new Set<string>();

  constructor(
    private readonly history: MessageHistoryRepository,
    private readonly activity: IdentityActivityRepository,
    private readonly identityClaims: IdentityClaimsRepository,
    private readonly producer: KafkaProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  async ingest({ records, status, groupId, heartbeat }: IngestBatch): Promise<void> {
    const partition = partitionOf(records[0]);
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
    const memory = this.memoryOf(partition, Number(records[0].offset));
    const [current, owners] = await Promise.all([
      this.currentActivity(memory, read),
      this.ownersOf(read.map((item) => item.identityKey)),
    ]);
    await heartbeat();
    // Records at or below their document's position were counted by an earlier attempt.
    const fresh = read.filter((item) => {
      const applied = current.get(item.activityId);
      return !applied || applied.appliedAt !== partition || item.offset > applied.appliedOffset;
    });
    const ownerOf = (item: ReadMessage) =>
      owners.get(item.identityKey) ?? contactIdFor(item.message.tenantId, senderOf(item.message));
    const stored = fresh.map((item) => storedMessage(item, status));
    const holders = await this.history.storeNew(stored);
    const counts = (index: number) => holders.has(stored[index].source);
    const writes = activityWrites(fresh, stored, counts, current, { status, partition }, ownerOf);
    await heartbeat();
    try {
      await this.activity.write(writes);
      if (memory.settling()) {
        await this.activity.verifyWritten(writes.map((write) => write.next));
      }
    } catch (error) {
      // Another process wrote meanwhile: what this one remembers may be behind too.
      this.activityByPartition.delete(partition);
      throw error;
    }
    memory.remember(
      writes.map((write) => write.next),
      Number(records[records.length - 1].offset),
    );
    // From every record, not only the fresh ones: a retry after the writes above sends them still.
    const creates = this.createCommands(read, owners);
    await this.producer.send([...creates.values(), ...deadLetters]);
    for (const key of creates.keys()) {
      this.createsSent.add(makeRoom(this.createsSent, key));
    }
    const counted = stored.filter((_, index) => counts(index)).length;
    messagesRecorded.inc({ status, outcome: 'recorded' }, counted);
    messagesRecorded.inc({ status, outcome: 'duplicate' }, read.length - counted);
  }

  /**
   * What the partition remembers is current only if this process handled the partition's
   * records right up to this batch: a gap or a replay means another process may have written
   * (a rebalance), so it starts over from the store.
   */
  private memoryOf(partition: string, firstOffset: number): PartitionMemory {
    const memory = this.activityByPartition.get(partition);
    if (memory?.continuesAt(firstOffset)) {
      return memory;
    }
    const fresh = new PartitionMemory();
    this.activityByPartition.set(partition, fresh);
    return fresh;
  }

  private async currentActivity(memory: PartitionMemory, read: ReadMessage[]) {
    const ids = [...new Set(read.map((item) => item.activityId))];
    const current = new Map<string, IdentityActivity>();
    const unknown: string[] = [];
    for (const id of ids) {
      const known = memory.get(id);
      if (known) {
        current.set(id, known);
      } else {
        unknown.push(id);
      }
    }
    for (const [id, doc] of await this.activity.findByIds(unknown)) {
      current.set(id, doc);
    }
    return current;
  }

  private async ownersOf(keys: string[]): Promise<Map<string, string>> {
    const unknown = [...new Set(keys)].filter((key) => !this.owners.has(key));
    for (const [key, contactId] of await this.identityClaims.ownersByKey(unknown)) {
      this.owners.set(makeRoom(this.owners, key), contactId);
    }
    return new Map(keys.flatMap((key) => (this.owners.has(key) ? [[key, this.owners.get(key)!]] : [])));
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
      commands.set(key, commandRecord(this.topics, command));
    }
    return commands;
  }
}

/** The activity documents of one partition as this process last wrote or read them. */
class PartitionMemory {
  private readonly documents = new Map<string, IdentityActivity>();
  private nextOffset: number | undefined;
  private readonly since = Date.now();

  /** Still in the window in which a former owner of the partition may write (SETTLING_MS). */
  settling(): boolean {
    return Date.now() - this.since < SETTLING_MS;
  }

  continuesAt(offset: number): boolean {
    return this.nextOffset === offset;
  }

  get(id: string): IdentityActivity | undefined {
    return this.documents.get(id);
  }

  remember(documents: IdentityActivity[], lastOffset: number): void {
    for (const document of documents) {
      this.documents.set(makeRoom(this.documents, document._id), document);
    }
    this.nextOffset = lastOffset + 1;
  }
}

/** Keeps a memory within REMEMBERED_MAX by starting it over when full; returns `key`. */
function makeRoom(memory: { size: number; clear(): void }, key: string): string {
  if (memory.size >= REMEMBERED_MAX) {
    memory.clear();
  }
  return key;
}

/** A routed message as the ingest reads it; throws for a record the contract refuses. */
export function readMessage(record: ConsumedRecord, status: MessageStatus): ReadMessage {
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
  stored: StoredMessage[],
  counts: (index: number) => boolean,
  current: Map<string, IdentityActivity>,
  { status, partition }: { status: MessageStatus; partition: string },
  ownerOf: (item: ReadMessage) => string,
): ActivityWrite[] {
  const changes = new Map<string, ActivityChange>();
  for (const [index, item] of fresh.entries()) {
    const change = changes.get(item.activityId) ?? {
      _id: item.activityId,
      tenantId: item.message.tenantId,
      contactId: ownerOf(item),
      status,
      counted: [],
      partition,
      throughOffset: item.offset,
    };
    change.throughOffset = Math.max(change.throughOffset, item.offset);
    if (counts(index)) {
      const message = stored[index];
      change.counted.push({ offset: item.offset, sentAt: message.sentAt, view: messageViewOf(message) });
    }
    changes.set(item.activityId, change);
  }
  const writes: ActivityWrite[] = [];
  for (const change of changes.values()) {
    const before = current.get(change._id);
    const next = foldActivity(before, change);
    if (next) {
      writes.push({
        next,
        ...(before && { read: { appliedAt: before.appliedAt, appliedOffset: before.appliedOffset } }),
      });
    }
  }
  return writes;
}

function storedMessage(item: ReadMessage, status: MessageStatus): StoredMessage {
  const { message, record } = item;
  return {
    _id: `${message.tenantId}:${message.messageId}`,
    tenantId: message.tenantId,
    identity: `${message.channel}|${message.from}`,
    messageId: message.messageId,
    channel: message.channel,
    from: message.from,
    type: message.type,
    content: message.content,
    sentAt: new Date(message.sentAt),
    status,
    source: sourceOf(record),
  };
}

/** Where a record is: what a stored message names as the record that stored it. */
function sourceOf(record: ConsumedRecord): string {
  return `${partitionOf(record)}/${record.offset}`;
}

function partitionOf(record: ConsumedRecord): string {
  return `${record.topic}/${record.partition}`;
}

export function senderOf(message: InboundMessage) {
  return { channel: message.channel, address: message.from };
}

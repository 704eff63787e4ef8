import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { Kafka } from 'kafkajs';
import {
  contactIdFor,
  parseJson,
  parseContactEvent,
  type ContactEvent,
  type TopicNames,
} from '@switchboard/contracts';
import { endOffsets, TOPICS, type ConsumedRecord } from '@switchboard/kafka';
import { gauge } from '@switchboard/observability';
import { ContactsRepository } from '../../contacts/contacts.repository';
import { IdentityActivityRepository } from '../../messages/identity-activity.repository';
import { readMessage, senderOf } from '../../messages/message-ingest.engine';
import type { MessageStatus } from '../../messages/stored-message.schema';
import { indexedContactOf, TenantSegmentIndex } from './tenant-segment-index';

/** How long a read waits for the index to take in what was published before it began. */
const CATCH_UP_TIMEOUT_MS = 10_000;

const indexedContacts = gauge({
  name: 'switchboard_segment_index_contacts',
  help: 'Contacts the segment index holds, over every tenant',
});

const indexLoadSeconds = gauge({
  name: 'switchboard_segment_index_load_seconds',
  help: 'How long the segment index took to load from the store at start',
});

type Positions = Map<string, bigint>;
const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Every tenant's contacts as bitsets and columns (`TenantSegmentIndex`), so segment previews and
 * campaign audiences are computed in memory, exactly, in milliseconds.
 *
 * Each instance of the service holds the whole index and keeps it current as a private reader
 * of `contacts.events` (contact states, merges) and of `messages.accepted`/`messages.blocked`
 * (last message times). At start (`load`) it places its reader where the store is known to
 * hold everything before: the end of `contacts.events` (a contact's state is written before its
 * events are published) and the offsets the ingest committed on the message topics (it commits
 * after writing the activity). Then it reads the store and only then starts the reader, which
 * replays from there; a contact's state is taken only over an older version, and activity only
 * moves forward, so what the replay repeats changes nothing.
 *
 * A read (`current`) first waits until the index has taken in every record the topics held when
 * the read began: a change whose outcome a caller has seen is in the answer, and every instance
 * answers alike.
 */
@Injectable()
export class SegmentIndex implements OnApplicationShutdown {
  private readonly logger = new Logger(SegmentIndex.name);
  private readonly tenants = new Map<string, TenantSegmentIndex>();
  /** Next offset to take in, per topic partition. */
  private readonly positions: Positions = new Map();
  private waiters: { until: Positions; resolve: () => void }[] = [];
  private admin?: Admin;
  private readyAt?: Positions;
  private markLoaded!: () => void;
  private readonly loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));

  constructor(
    private readonly kafka: Kafka,
    @Inject(TOPICS) private readonly topics: TopicNames,
    private readonly contacts: ContactsRepository,
    private readonly activity: IdentityActivityRepository,
  ) {}

  /** Loaded from the store, and caught up with what the topics held when the load ended. */
  get ready(): boolean {
    return this.readyAt !== undefined && this.reached(this.readyAt);
  }

  /**
   * Places the reader `groupId` (which must not have started) and reads the store. The message
   * topics start where `ingestGroupId` committed.
   */
  async load(groupId: string, ingestGroupId: string): Promise<void> {
    const started = Date.now();
    const admin = await this.connectedAdmin();
    const { contactEvents, messagesAccepted, messagesBlocked } = this.topics;
    const eventEnds = await endOffsets(admin, contactEvents);
    const committed = await admin.fetchOffsets({
      groupId: ingestGroupId,
      topics: [messagesAccepted, messagesBlocked],
    });
    const starts = new Map<string, { partition: number; offset: string }[]>([
      [contactEvents, eventEnds.map(({ partition, high }) => ({ partition, offset: high }))],
    ]);
    for (const { topic, partitions } of committed) {
      const lows = new Map((await endOffsets(admin, topic)).map(({ partition, low }) => [partition, low]));
      starts.set(
        topic,
        partitions.map(({ partition, offset }) => ({
          partition,
          // Never committed: from the earliest record the topic still holds, as the ingest starts.
          offset: Number(offset) < 0 ? (lows.get(partition) ?? '0') : offset,
        })),
      );
    }
    for (const [topic, partitions] of starts) {
      await admin.setOffsets({ groupId, topic, partitions });
      for (const { partition, offset } of partitions) {
        this.positions.set(partitionKey(topic, partition), BigInt(offset));
      }
    }
    for await (const contact of this.contacts.scanForIndex()) {
      this.tenantOf(contact.tenantId).apply(indexedContactOf(contact));
    }
    for await (const activity of this.activity.scanLastMessages()) {
      this.tenantOf(activity.tenantId).noteLastMessage(
        activity.contactId,
        new Date(activity.lastMessageAt).getTime(),
      );
    }
    const loadSeconds = (Date.now() - started) / 1000;
    indexLoadSeconds.set(loadSeconds);
    this.readyAt = await this.ends([contactEvents, messagesAccepted, messagesBlocked]);
    this.markLoaded();
    this.report();
    this.logger.log({
      msg: 'segment index loaded from the store',
      contacts: this.contactCount(),
      tenants: this.tenants.size,
      seconds: loadSeconds,
    });
  }

  /** Takes in a batch of `contacts.events`: contact states and merges; other events change nothing here. */
  applyEvents(records: ConsumedRecord[]): void {
    for (const record of records) {
      const event = readEvent(record);
      if (event) {
        this.applyEvent(event);
      }
      this.advance(record);
    }
    this.report();
  }

  /** Takes in a batch of routed messages: their senders' last message times. */
  applyMessages(records: ConsumedRecord[], status: MessageStatus): void {
    for (const record of records) {
      try {
        const { message } = readMessage(record, status);
        const sender = senderOf(message);
        this.tenantOf(message.tenantId).noteMessage(
          sender,
          contactIdFor(message.tenantId, sender),
          new Date(message.sentAt).getTime(),
        );
      } catch {
        // The ingest dead-letters a record the contract refuses; it changes no contact.
      }
      this.advance(record);
    }
  }

  /**
   * The tenant's index once it has taken in everything published to `contacts.events` (and, with
   * `activity`, to the message topics) before this call; ServiceUnavailable when it cannot catch
   * up in time. While the index loads, a read is refused, or (`wait`: background work) waits.
   */
  async current(
    tenantId: string,
    { activity, whileLoading = 'refuse' }: { activity: boolean; whileLoading?: 'refuse' | 'wait' },
  ): Promise<TenantSegmentIndex> {
    if (this.readyAt === undefined) {
      if (whileLoading === 'refuse') {
        throw new ServiceUnavailableException({
          code: 'segment-index-loading',
          detail: 'the segment index is still loading',
        });
      }
      await this.loaded;
    }
    const { contactEvents, messagesAccepted, messagesBlocked } = this.topics;
    const until = await this.ends(
      activity ? [contactEvents, messagesAccepted, messagesBlocked] : [contactEvents],
    );
    if (!this.reached(until)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
          reject(
            new ServiceUnavailableException({
              code: 'segment-index-behind',
              detail: 'the segment index is behind the latest changes; retry shortly',
            }),
          );
        }, CATCH_UP_TIMEOUT_MS);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        this.waiters.push({ until, resolve: done });
      });
    }
    return this.tenantOf(tenantId);
  }

  /** Contacts held, over every tenant. */
  contactCount(): number {
    let count = 0;
    for (const tenant of this.tenants.values()) {
      count += tenant.size;
    }
    return count;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
  }

  private applyEvent(event: ContactEvent): void {
    if (event.contactId === undefined) {
      return;
    }
    const tenant = this.tenantOf(event.tenantId);
    if (event.type === 'ContactMerged') {
      tenant.remove(event.contactId);
      return;
    }
    if (
      event.type === 'ContactCreated' ||
      event.type === 'ContactUpdated' ||
      event.type === 'ContactBlocked' ||
      event.type === 'ContactUnblocked' ||
      event.type === 'ContactTagged' ||
      event.type === 'ContactUntagged'
    ) {
      const { contact, tagIds } = event.payload;
      tenant.apply({
        contactId: contact.contactId,
        version: contact.version,
        tagIds,
        blocked: contact.block.blocked,
        attributes: contact.attributes,
        identities: contact.identities,
      });
    }
  }

  private tenantOf(tenantId: string): TenantSegmentIndex {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = new TenantSegmentIndex();
      this.tenants.set(tenantId, tenant);
    }
    return tenant;
  }

  private advance(record: ConsumedRecord): void {
    this.positions.set(partitionKey(record.topic, record.partition), BigInt(record.offset) + 1n);
    if (this.waiters.length > 0) {
      const waiting = this.waiters;
      this.waiters = [];
      for (const waiter of waiting) {
        if (this.reached(waiter.until)) {
          waiter.resolve();
        } else {
          this.waiters.push(waiter);
        }
      }
    }
  }

  private reached(until: Positions): boolean {
    for (const [key, end] of until) {
      if ((this.positions.get(key) ?? 0n) < end) {
        return false;
      }
    }
    return true;
  }

  private async ends(topics: string[]): Promise<Positions> {
    const admin = await this.connectedAdmin();
    const ends: Positions = new Map();
    await Promise.all(
      topics.map(async (topic) => {
        for (const { partition, high, low } of await endOffsets(admin, topic)) {
          // Records below the low watermark are gone: nothing there to wait for.
          const key = partitionKey(topic, partition);
          if (!this.positions.has(key) || this.positions.get(key)! < BigInt(low)) {
            this.positions.set(key, BigInt(low));
          }
          ends.set(key, BigInt(high));
        }
      }),
    );
    return ends;
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private report(): void {
    indexedContacts.set(this.contactCount());
  }
}

function readEvent(record: ConsumedRecord): ContactEvent | undefined {
  try {
    return parseContactEvent(parseJson(record.value));
  } catch {
    return undefined; // not ours to dead-letter: the events topic is read by others too
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { KafkaProducer } from '@switchboard/kafka';
import { CommandOutcomesRepository } from '../commands/command-outcomes.repository';
import type { Contact, PendingPublication } from '../contacts/contact.schema';
import { ContactsRepository } from '../contacts/contacts.repository';
import { TagUsageRepository, type UsageDelta } from '../tags/tag-usage.repository';
import { WriteFencedError } from '../store/write-fenced.error';
import { ContactWriteBatch, type WaitingPublication } from './contact-write-batch';

/**
 * How long after taking up a partition its writes are read back: a former owner finishing its
 * last batch can only write in this window (its session has ended after 30 s), and on a store
 * whose conditional updates are not atomic (FerretDB 1.24) its write could land after ours.
 */
const SETTLING_MS = 60_000;

/** Since when this process has held a partition, and where its next batch should start. */
interface Tenure {
  since: number;
  nextOffset: number;
  /** The consumer's group join it belongs to (KafkaConsumerContext.getAssignment). */
  assignment: number;
}

/**
 * Makes the batches in which contact commands are applied (ContactWriteBatch), and publishes
 * what each left in the contacts' outboxes, in a fixed number of round trips however many
 * commands the batch applied:
 *
 * 0. while the partition settles (just taken up), the batch's writes read back: one a former
 *    owner overwrote fails the batch (WriteFencedError), and the retry decides again on what is
 *    stored;
 * 1. the usage deltas, in the partition's usage shares (each publication once; one left in an
 *    outbox with its outcome recorded was counted before), read back too while settling;
 * 2. every record but the events (blocklist records, mentions), in one send;
 * 3. the outcomes, in bounded unordered inserts;
 * 4. the events (each publication's last record), in one send;
 * 5. the outboxes emptied, each if the contact is still at the version published.
 *
 * In that order: whoever sees an event (the gateway answering 200) finds the blocklist already
 * holding its records, the outcome recorded and the usage counted. A crash anywhere repeats it
 * all from the outboxes, each step idempotently. Within a contact, publications go out in the
 * order they were applied; a rejection changes nothing and is published when it is decided.
 */
@Injectable()
export class ContactWriteEngine {
  private readonly logger = new Logger(ContactWriteEngine.name);
  private readonly tenures = new Map<number, Tenure>();

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly usage: TagUsageRepository,
    private readonly outcomes: CommandOutcomesRepository,
    private readonly producer: KafkaProducer,
  ) {}

  /**
   * A new batch of writes to contacts of `partition`, for its records from `firstOffset`. A batch
   * that does not follow this process's last one there, in the same group assignment (the
   * partition was elsewhere meanwhile, or a batch is replayed), starts a new tenure, which
   * settles for SETTLING_MS. A batch of no records (publishing what an outbox holds) settles.
   */
  batch(partition: number, firstOffset?: number, assignment = -1): ContactWriteBatch {
    if (firstOffset === undefined) {
      return new ContactWriteBatch(partition, this.contacts, true);
    }
    let tenure = this.tenures.get(partition);
    if (tenure?.nextOffset !== firstOffset || tenure.assignment !== assignment || assignment < 0) {
      tenure = { since: Date.now(), nextOffset: firstOffset, assignment };
      this.tenures.set(partition, tenure);
    }
    return new ContactWriteBatch(partition, this.contacts, Date.now() - tenure.since < SETTLING_MS);
  }

  /** Publishes the batch; its records end at `lastOffset` (the next batch follows from there). */
  async publish(batch: ContactWriteBatch, lastOffset?: number): Promise<void> {
    try {
      await this.publishBatch(batch);
    } catch (error) {
      this.tenures.delete(batch.partition);
      throw error;
    }
    const tenure = this.tenures.get(batch.partition);
    if (tenure && lastOffset !== undefined) {
      tenure.nextOffset = lastOffset + 1;
    }
  }

  private async publishBatch(batch: ContactWriteBatch): Promise<void> {
    if (batch.settling) {
      await this.verifyWritten(batch);
    }
    const waiting = batch.waiting();
    if (waiting.length > 0) {
      // A publication left in an outbox whose outcome is recorded was counted already (outcomes
      // are recorded after the count): a failure came before its outbox was emptied.
      const leftOver = waiting.filter((each) => !each.appliedHere);
      const recorded = await this.outcomes.recordedOf(
        leftOver.map(({ contact, publication }) => ({
          tenantId: contact.tenantId,
          commandId: publication.commandId,
        })),
      );
      const uncounted = waiting.filter(
        ({ contact, publication }) => !recorded.has(`${contact.tenantId}:${publication.commandId}`),
      );
      const counted = await this.usage.count(batch.partition, uncounted.flatMap(usageDeltasOf));
      if (batch.settling) {
        await this.usage.verifyCounted(counted);
      }
      await this.producer.send(waiting.flatMap(({ publication }) => publication.records.slice(0, -1)));
      await this.outcomes.recordAll(waiting.map(outcomeOf));
      await this.producer.send(waiting.map(({ publication }) => eventOf(publication)));
      const contacts = [...new Map(waiting.map(({ contact }) => [contact._id, contact])).values()];
      const emptied = contacts.map((contact) => ({
        ...contact,
        pendingPublications: contact.pendingPublications.filter(
          (publication) => !waiting.some((each) => each.publication === publication),
        ),
      }));
      if (await this.contacts.clearOutboxes(emptied)) {
        for (const contact of emptied) {
          batch.published(contact);
        }
      } else {
        this.logger.warn(
          { partition: batch.partition },
          'a contact was written by another process meanwhile',
        );
        for (const contact of contacts) {
          batch.forget(contact.tenantId, contact.contactId);
        }
      }
    }
    await Promise.all(batch.takeTasks().map((task) => task()));
  }

  /**
   * Publishes what a contact's outbox holds (a command applied, then failing before its outcome
   * was recorded), as a batch of its own.
   */
  async publishOutboxOf(partition: number, tenantId: string, contactId: string): Promise<void> {
    const batch = this.batch(partition);
    await batch.find(tenantId, contactId);
    await this.publish(batch);
  }

  /**
   * Reads the batch's writes back: a contact no longer as this batch wrote it (another version,
   * or the same version by another command: two conditional writes that both passed, on a store
   * where that is not atomic) was overwritten by another process, a former owner of the partition.
   */
  private async verifyWritten(batch: ContactWriteBatch): Promise<void> {
    const written = batch.written();
    const stored = await Promise.all(
      written.map((contact) => this.contacts.find(contact.tenantId, contact.contactId)),
    );
    const overwritten = written.filter(
      (contact, index) =>
        stored[index]?.version !== contact.version || lastApplied(stored[index]) !== lastApplied(contact),
    );
    if (overwritten.length > 0) {
      for (const contact of overwritten) {
        batch.forget(contact.tenantId, contact.contactId);
      }
      throw new WriteFencedError(`${overwritten.length} contacts were overwritten by another process`);
    }
  }
}

/** The last command applied to a contact: what its latest write was for. */
function lastApplied(contact: Contact | null | undefined): string | undefined {
  return contact?.appliedCommandIds[contact.appliedCommandIds.length - 1];
}

/** The event of a publication: its last record (any others are published before it). */
function eventOf(publication: PendingPublication) {
  return publication.records[publication.records.length - 1];
}

function usageDeltasOf({ contact, publication }: WaitingPublication): UsageDelta[] {
  return Object.entries(publication.usageDeltas ?? {}).map(([tagId, delta]) => ({
    tenantId: contact.tenantId,
    tagId,
    delta,
    publicationId: publication.commandId,
  }));
}

function outcomeOf({ contact, publication }: WaitingPublication) {
  const event = eventOf(publication);
  const value = String(event.value);
  return {
    tenantId: contact.tenantId,
    commandId: publication.commandId,
    // Every event record names its type (eventRecord); the value is read only if one does not.
    eventType: event.headers?.['event-type'] ?? (JSON.parse(value) as { type: string }).type,
    event: { topic: event.topic, key: event.key, value },
  };
}

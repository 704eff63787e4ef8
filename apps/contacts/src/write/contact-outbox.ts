import { Injectable, Logger } from '@nestjs/common';
import { KafkaProducer } from '@switchboard/kafka';
import { CommandOutcomesRepository } from '../contacts/command-outcomes.repository';
import type { Contact, PendingPublication } from '../contacts/contact.schema';
import { ContactsRepository } from '../contacts/contacts.repository';
import { TagUsageRepository, type UsageDelta } from '../tags/tag-usage.repository';
import { ContactWriteBatch } from './contact-write-batch';

interface Publication {
  contact: Contact;
  publication: PendingPublication;
}

/**
 * Publishes what a batch of contact writes left in the contacts' outboxes, in a fixed number of
 * round trips however many commands the batch applied:
 *
 * 1. the usage deltas, in the partition's usage shares (each publication once);
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
export class ContactOutbox {
  private readonly logger = new Logger(ContactOutbox.name);

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly usage: TagUsageRepository,
    private readonly outcomes: CommandOutcomesRepository,
    private readonly producer: KafkaProducer,
  ) {}

  /** A new batch of writes to contacts of `partition`. */
  batch(partition: number): ContactWriteBatch {
    return new ContactWriteBatch(partition, this.contacts);
  }

  async publish(batch: ContactWriteBatch): Promise<void> {
    const contacts = batch.withPublications();
    const publications: Publication[] = contacts.flatMap((contact) =>
      contact.pendingPublications.map((publication) => ({ contact, publication })),
    );
    if (publications.length > 0) {
      await this.usage.count(batch.partition, publications.flatMap(usageDeltasOf));
      await this.producer.send(publications.flatMap(({ publication }) => publication.records.slice(0, -1)));
      await this.outcomes.recordAll(publications.map(outcomeOf));
      await this.producer.send(publications.map(({ publication }) => eventOf(publication)));
      if (await this.contacts.clearOutboxes(contacts)) {
        for (const contact of contacts) {
          batch.wrote({ ...contact, pendingPublications: [] });
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
}

/** The event of a publication: its last record (any others are published before it). */
function eventOf(publication: PendingPublication) {
  return publication.records[publication.records.length - 1];
}

function usageDeltasOf({ contact, publication }: Publication): UsageDelta[] {
  return Object.entries(publication.usageDeltas ?? {}).map(([tagId, delta]) => ({
    tenantId: contact.tenantId,
    tagId,
    delta,
    publicationId: publication.commandId,
  }));
}

function outcomeOf({ contact, publication }: Publication) {
  const event = eventOf(publication);
  const value = String(event.value);
  return {
    tenantId: contact.tenantId,
    commandId: publication.commandId,
    eventType: (JSON.parse(value) as { type: string }).type,
    event: { topic: event.topic, key: event.key, value },
  };
}

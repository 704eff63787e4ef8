import { contactKey } from '@switchboard/contracts';
import type { Contact, PendingPublication } from '../contacts/contact.schema';
import type { ContactsRepository } from '../contacts/contacts.repository';

/** A publication waiting in a contact's outbox, with the contact as last known. */
export interface WaitingPublication {
  contact: Contact;
  publication: PendingPublication;
  /** Applied by this batch (else left in the outbox earlier: a crash, a failed publication). */
  appliedHere: boolean;
}

/**
 * What one batch of a `contacts.commands` partition knows of its contacts: each contact is read
 * from the store once per batch, and every later command of the batch decides on the state the
 * previous one wrote. Only the consumer of the partition writes its contacts, so the state it
 * wrote is the stored one; a write that finds the contact changed anyway (another process, a
 * former owner of the partition) makes it read the contact again (`forget`).
 *
 * Applied changes wait in the contacts' outboxes until the batch is published (ContactWriteEngine):
 * everything in the outbox of a contact of this partition that the batch read, whichever process
 * left it there; of a contact another partition owns (an identity's owner a create resolved to),
 * only what this batch applied.
 */
export class ContactWriteBatch {
  private readonly states = new Map<string, Contact | null>();
  private readonly reading = new Map<string, Promise<Contact | null>>();
  private readonly foreign = new Set<string>();
  private readonly appliedHere = new Set<string>();
  private readonly writtenKeys = new Set<string>();
  private readonly tasks: (() => Promise<void>)[] = [];
  private readonly reads = new Map<string, Promise<unknown>>();

  constructor(
    /** The partition of `contacts.commands` the batch is of: it owns the batch's usage shares. */
    readonly partition: number,
    private readonly contacts: ContactsRepository,
    /**
     * Whether a former owner of the partition may still be writing (the partition was taken up
     * a moment ago): the batch's writes are then read back before they are published.
     */
    readonly settling: boolean,
  ) {}

  /**
   * The contact as stored (null: it does not exist), read once per batch. `foreign`: the contact
   * is keyed to another partition (its outbox is that partition's to publish).
   */
  async find(tenantId: string, contactId: string, { foreign = false } = {}): Promise<Contact | null> {
    const key = contactKey(tenantId, contactId);
    if (foreign) {
      this.foreign.add(key);
    }
    const known = this.states.get(key);
    if (known !== undefined) {
      return known;
    }
    let reading = this.reading.get(key);
    if (!reading) {
      reading = this.contacts.find(tenantId, contactId);
      this.reading.set(key, reading);
    }
    try {
      const read = await reading;
      // Another command of the batch may have written it meanwhile: its state is newer.
      if (!this.states.has(key)) {
        this.states.set(key, read);
      }
      return this.states.get(key)!;
    } finally {
      this.reading.delete(key);
    }
  }

  /**
   * A read that many commands of the batch need (a tag by name, a tenant's block policy), made
   * once per batch under `key`: the batch decides on what they were when it read them.
   */
  readOnce<T>(key: string, read: () => Promise<T>): Promise<T> {
    let reading = this.reads.get(key) as Promise<T> | undefined;
    if (!reading) {
      reading = read();
      this.reads.set(key, reading);
      // A failed read is not remembered: the next command reads again.
      reading.catch(() => this.reads.delete(key));
    }
    return reading;
  }

  /** Notes the contact as this batch just wrote it, its newest publication applied here. */
  wrote(contact: Contact): void {
    this.states.set(contact._id, contact);
    this.writtenKeys.add(contact._id);
    const applied = contact.pendingPublications[contact.pendingPublications.length - 1];
    if (applied) {
      this.appliedHere.add(applied.commandId);
    }
  }

  /** The contacts this batch wrote, as it wrote them last. */
  written(): Contact[] {
    return [...this.writtenKeys].flatMap((key) => this.states.get(key) ?? []);
  }

  /** Notes that the contact's outbox was emptied. */
  published(contact: Contact): void {
    this.states.set(contact._id, { ...contact, pendingPublications: [] });
  }

  /** Forgets what it knew of a contact that another writer changed: the next `find` reads it. */
  forget(tenantId: string, contactId: string): void {
    this.states.delete(contactKey(tenantId, contactId));
  }

  /** The publications to publish, contact by contact in the order they were applied. */
  waiting(): WaitingPublication[] {
    const waiting: WaitingPublication[] = [];
    for (const contact of this.states.values()) {
      for (const publication of contact?.pendingPublications ?? []) {
        const appliedHere = this.appliedHere.has(publication.commandId);
        if (contact && (appliedHere || !this.foreign.has(contact._id))) {
          waiting.push({ contact, publication, appliedHere });
        }
      }
    }
    return waiting;
  }

  /** Runs `task` once the batch's publications are out (a job step's outcome, say). */
  afterPublishing(task: () => Promise<void>): void {
    this.tasks.push(task);
  }

  /** The tasks to run now that the publications are out, each handed out once. */
  takeTasks(): (() => Promise<void>)[] {
    return this.tasks.splice(0);
  }
}

import { contactKey } from '@switchboard/contracts';
import type { Contact } from '../contacts/contact.schema';
import type { ContactsRepository } from '../contacts/contacts.repository';

/**
 * What one batch of a `contacts.commands` partition knows of its contacts: each contact is read
 * from the store once per batch, and every later command of the batch decides on the state the
 * previous one wrote. Only the consumer of the partition writes its contacts, so the state it
 * wrote is the stored one; a write that finds the contact changed anyway (another process, a
 * former owner of the partition) makes it read the contact again (`forget`).
 *
 * Applied changes wait in the contacts' outboxes until the batch is published (ContactWriteEngine):
 * every contact the batch read with something in its outbox, whichever process left it there.
 */
export class ContactWriteBatch {
  private readonly states = new Map<string, Contact | null>();
  private readonly tasks: (() => Promise<void>)[] = [];
  private readonly reads = new Map<string, Promise<unknown>>();
  private readonly writtenKeys = new Set<string>();

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

  /** The contact as stored (null: it does not exist), read once per batch. */
  async find(tenantId: string, contactId: string): Promise<Contact | null> {
    const key = contactKey(tenantId, contactId);
    const known = this.states.get(key);
    if (known !== undefined) {
      return known;
    }
    const read = await this.contacts.find(tenantId, contactId);
    this.states.set(key, read);
    return read;
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

  /** Notes the contact as this batch just wrote it. */
  wrote(contact: Contact): void {
    this.states.set(contact._id, contact);
    this.writtenKeys.add(contact._id);
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

  /** The contacts whose outbox holds publications, as last known. */
  withPublications(): Contact[] {
    return [...this.states.values()].filter(
      (contact): contact is Contact => contact !== null && contact.pendingPublications.length > 0,
    );
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

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { contactKey } from '@switchboard/contracts';
import { Contact, type PendingPublication } from './contact.schema';
import { BoundedBulk } from '../store/bounded-bulk';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { findExactly } from '../store/exact-reads';
import { fieldUpdates } from '../store/field-updates';

/** How many applied command ids a contact remembers; older redeliveries hit the outcome store. */
const APPLIED_COMMANDS_KEPT = 200;
/** Contacts a streaming cursor fetches per round trip. */
const STREAM_BATCH_SIZE = 1_000;

/** The fields of a contact the segment index keeps (`scanForIndex`). */
export const INDEXED_FIELDS = {
  tenantId: 1,
  contactId: 1,
  version: 1,
  tagIds: 1,
  'block.blocked': 1,
  attributes: 1,
  identities: 1,
} as const;

export type ContactChanges = Partial<
  Pick<Contact, 'identities' | 'name' | 'email' | 'phone' | 'attributes' | 'tags' | 'tagIds' | 'block'>
>;

/**
 * Contacts of one tenant at a time: every method takes the tenant id and builds the `_id`
 * from it, and none accepts a raw filter, so no query can forget the tenant.
 */
@Injectable()
export class ContactsRepository {
  constructor(
    @InjectModel(Contact.name) private readonly contacts: Model<Contact>,
    private readonly bulk: BoundedBulk,
  ) {}

  find(tenantId: string, contactId: string): Promise<Contact | null> {
    return this.contacts.findById(contactKey(tenantId, contactId)).lean<Contact>().exec();
  }

  /**
   * One page of the tenant's contacts in id order, after `afterContactId`. Id order keeps
   * pages correct while contacts are added or change.
   */
  list(
    tenantId: string,
    filter: { blocked?: boolean; segment?: FilterQuery<Contact>; afterContactId?: string; limit: number },
  ): Promise<Contact[]> {
    const conditions: FilterQuery<Contact> = { ...filter.segment, tenantId };
    if (filter.blocked !== undefined) {
      // Both must hold: a segment of blocked contacts listed with `blocked=false` is empty.
      const segmentBlocked: unknown = conditions['block.blocked'];
      if (segmentBlocked !== undefined && segmentBlocked !== filter.blocked) {
        return Promise.resolve([]);
      }
      conditions['block.blocked'] = filter.blocked;
    }
    if (filter.afterContactId !== undefined) {
      conditions.contactId = { $gt: filter.afterContactId };
    }
    return this.contacts.find(conditions).sort({ contactId: 1 }).limit(filter.limit).lean<Contact[]>().exec();
  }

  /** The tenant's contacts of `contactIds` that exist, in that order (exact `_id` reads). */
  async findMany(tenantId: string, contactIds: readonly string[]): Promise<Contact[]> {
    const found = await findExactly(
      this.contacts,
      contactIds.map((contactId) => contactKey(tenantId, contactId)),
    );
    return contactIds.flatMap((contactId) => found.get(contactKey(tenantId, contactId)) ?? []);
  }

  /**
   * The tenant's contacts that match `filter`, streamed from a store cursor in batches with
   * only the fields asked for: a million of them never sit in memory at once.
   */
  async *stream<K extends keyof Contact>(
    tenantId: string,
    filter: FilterQuery<Contact>,
    fields: K[],
  ): AsyncGenerator<Pick<Contact, K | 'contactId'>> {
    const projection = Object.fromEntries(['contactId', ...fields].map((field) => [field, 1]));
    const cursor = this.contacts
      .find({ ...filter, tenantId }, projection)
      .lean<Pick<Contact, K | 'contactId'>>()
      .cursor({ batchSize: STREAM_BATCH_SIZE });
    try {
      for await (const contact of cursor) {
        yield contact as Pick<Contact, K | 'contactId'>;
      }
    } finally {
      await cursor.close();
    }
  }

  /**
   * Every contact of every tenant with what the segment index keeps, from a store cursor in
   * batches: the index's load at start (a full scan, like a rebuild).
   */
  async *scanForIndex(): AsyncGenerator<
    Pick<Contact, 'tenantId' | 'contactId' | 'version' | 'tagIds' | 'block' | 'attributes' | 'identities'>
  > {
    const cursor = this.contacts
      .find({}, INDEXED_FIELDS)
      .lean<Contact>()
      .cursor({ batchSize: STREAM_BATCH_SIZE });
    try {
      for await (const contact of cursor) {
        yield contact;
      }
    } finally {
      await cursor.close();
    }
  }

  /**
   * Blocked contacts whose temporary block ended by `now`, of every tenant: the one query not
   * scoped by tenant, for the block-expiry sweeper. It narrows by `blockExpires`, a top-level
   * equality every store serves from an index; contacts with a temporary block are few.
   */
  dueBlockExpiries(now: Date, limit: number): Promise<Pick<Contact, 'tenantId' | 'contactId' | 'block'>[]> {
    return this.contacts
      .find(
        { blockExpires: true, 'block.blocked': true, 'block.until': { $lte: now } },
        { tenantId: 1, contactId: 1, block: 1 },
      )
      .limit(limit)
      .lean<Pick<Contact, 'tenantId' | 'contactId' | 'block'>[]>()
      .exec();
  }

  /**
   * Inserts a new contact with its first command applied: the contact as stored, or null if it
   * already exists.
   */
  async insert(
    tenantId: string,
    contactId: string,
    fields: ContactChanges,
    commandId: string,
    publication: PendingPublication,
    now: Date,
  ): Promise<Contact | null> {
    try {
      const created = await this.contacts.create({
        _id: contactKey(tenantId, contactId),
        tenantId,
        contactId,
        ...fields,
        ...(expiresOf(fields.block) && { blockExpires: true }),
        version: 1,
        appliedCommandIds: [commandId],
        pendingPublications: [publication],
        createdAt: now,
        updatedAt: now,
      });
      return created.toObject<Contact>();
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return null;
      }
      throw error;
    }
  }

  /**
   * Applies a command's changes and stores its publication, only if nobody wrote the contact
   * since `current` was read: the contact as stored then, or null, which means read again and
   * decide again.
   */
  async updateIfUnchanged(
    current: Contact,
    changes: ContactChanges,
    commandId: string,
    publication: PendingPublication,
    now: Date,
  ): Promise<Contact | null> {
    const appliedCommandIds = [...current.appliedCommandIds.slice(-(APPLIED_COMMANDS_KEPT - 1)), commandId];
    // Only the paths that changed (a field changed to undefined is cleared): see fieldUpdates.
    const { $set, $unset } = fieldUpdates(current, withBlockExpiry(changes));
    const version = current.version + 1;
    const result = await this.contacts.collection.updateOne(
      { _id: contactKey(current.tenantId, current.contactId) as never, version: current.version },
      {
        $set: { ...$set, version, appliedCommandIds, updatedAt: now },
        ...(Object.keys($unset).length > 0 && { $unset }),
        $push: { pendingPublications: publication as never },
      },
    );
    if (result.modifiedCount !== 1) {
      return null;
    }
    const stored: Contact = {
      ...current,
      ...withBlockExpiry(changes),
      version,
      appliedCommandIds,
      updatedAt: now,
      pendingPublications: [...current.pendingPublications, publication],
    };
    for (const field of Object.keys($unset)) {
      delete (stored as unknown as Record<string, unknown>)[field];
    }
    return stored;
  }

  /**
   * Leaves in each contact's outbox only what was not published (usually nothing), if the contact
   * is still at the version it was published from, as small unordered commands within the store's
   * budget. A contact written since keeps its outbox: the batch that wrote it publishes it. False
   * when any kept its outbox so.
   */
  async clearOutboxes(
    contacts: readonly Pick<Contact, '_id' | 'version' | 'pendingPublications'>[],
  ): Promise<boolean> {
    const results = await this.bulk.writeUnordered(
      contacts.map(({ _id, version, pendingPublications }) => ({
        updateOne: { filter: { _id, version }, update: { $set: { pendingPublications } } },
      })),
      (slice) => this.contacts.bulkWrite(slice, { ordered: false }),
    );
    return results.reduce((matched, result) => matched + result.matchedCount, 0) === contacts.length;
  }
}

/** Whether a block has an end (a temporary block in force): what `blockExpires` records. */
function expiresOf(block: Contact['block'] | undefined): boolean {
  return block?.blocked === true && block.until !== undefined && block.until !== null;
}

/** The changes with `blockExpires` kept in line with a changed block (undefined clears it). */
function withBlockExpiry(changes: ContactChanges): ContactChanges & Pick<Contact, 'blockExpires'> {
  if (changes.block === undefined) {
    return changes;
  }
  return { ...changes, blockExpires: expiresOf(changes.block) ? true : undefined };
}

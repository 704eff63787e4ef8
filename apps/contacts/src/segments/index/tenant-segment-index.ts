import type { AttributeValue, Identity } from '@switchboard/contracts';
import type { Contact } from '../../contacts/contact.schema';
import { attributeTestHolds, type ActivityCondition, type ResolvedCondition } from '../segment-expression';
import { AttributeColumn } from './attribute-column';
import { Bitset } from './bitset';
import { StringDictionary } from './string-dictionary';

/** What the index keeps of a contact: what segment conditions test, and where a campaign sends. */
export interface IndexedContact {
  contactId: string;
  version: number;
  /** Absent: as before (events published before they carried tag ids). */
  tagIds?: readonly string[];
  blocked: boolean;
  attributes: Readonly<Record<string, AttributeValue>>;
  identities: readonly Identity[];
}

/** What the index keeps of a contact as the store holds it (`INDEXED_FIELDS`). */
export function indexedContactOf(
  stored: Pick<Contact, 'contactId' | 'version' | 'tagIds' | 'block' | 'attributes' | 'identities'>,
): IndexedContact {
  return {
    contactId: stored.contactId,
    version: stored.version,
    tagIds: stored.tagIds ?? [],
    blocked: stored.block?.blocked ?? false,
    attributes: stored.attributes ?? {},
    identities: stored.identities ?? [],
  };
}

/** A contact a campaign sends to, as the index has it now. */
export interface IndexedRecipient {
  contactId: string;
  blocked: boolean;
  identities: Identity[];
}

const NEVER = Number.NaN;
const NONE = -1;

/** The key of an identity within a tenant. */
const identityOf = (identity: Identity) => `${identity.channel}\n${identity.address}`;

/**
 * Every contact of one tenant, numbered densely in the order the index first heard of it, with a
 * bitset per tag and for the blocked ones, a dictionary-encoded column per attribute, the time of
 * the last message per contact and each contact's identities. Segment expressions evaluate to
 * bitsets over the numbers (see `members`). Numbers are never reused: a merged contact's number
 * stays with its id, out of `live`.
 */
export class TenantSegmentIndex {
  /** Contact ids, numbered. */
  private readonly contacts = new StringDictionary();
  private live = Bitset.empty();
  private readonly blocked = Bitset.empty();
  private readonly tags = new Map<string, Bitset>();
  private readonly attributes = new Map<string, AttributeColumn>();
  private versions = new Float64Array(0);
  private lastMessageAt = new Float64Array(0);
  /** Identity keys, numbered; the contact that owns each (NONE: nobody now). */
  private readonly identities = new StringDictionary();
  private owners = new Int32Array(0);
  /** Each contact's first identity (NONE: none), and the others of the few that have several. */
  private firstIdentity = new Int32Array(0);
  private readonly moreIdentities = new Map<number, number[]>();

  /** Contacts in the tenant. */
  get size(): number {
    return this.live.size;
  }

  /** Takes in a contact's state, unless the index already has this version or a later one. */
  apply(contact: IndexedContact): void {
    const number = this.numberOf(contact.contactId);
    if (this.versions[number] >= contact.version) {
      return;
    }
    this.versions[number] = contact.version;
    this.live.add(number);
    this.setBlocked(number, contact.blocked);
    if (contact.tagIds) {
      this.setTags(number, contact.tagIds);
    }
    this.setAttributes(number, contact.attributes);
    this.setIdentities(number, contact.identities.map(identityOf));
  }

  /** A contact that left the tenant (merged into another): it holds no segment any more. */
  remove(contactId: string): void {
    const number = this.contacts.numberOf(contactId);
    if (number === undefined) {
      return;
    }
    this.live.delete(number);
    this.setBlocked(number, false);
    this.setTags(number, []);
    this.setAttributes(number, {});
    this.setIdentities(number, []);
  }

  /**
   * A message from `sender` at `at`: the last message of the contact that owns the identity,
   * else of `fallbackContactId` (the contact the ingest creates for an unknown sender, which
   * the index may hear of later).
   */
  noteMessage(sender: Identity, fallbackContactId: string, at: number): void {
    const identity = this.identities.numberOf(identityOf(sender));
    const owner = identity === undefined ? NONE : this.owners[identity];
    this.noteActivity(owner === NONE ? this.numberOf(fallbackContactId) : owner, at);
  }

  /** A contact's last message as the store has it (loading). */
  noteLastMessage(contactId: string, at: number): void {
    this.noteActivity(this.numberOf(contactId), at);
  }

  /** The contacts an expression holds for (`true`: every contact). */
  members(condition: ResolvedCondition | true): Bitset {
    return condition === true ? this.live : this.evaluate(condition).and(this.live);
  }

  contactIdsOf(numbers: Iterable<number>): string[] {
    return [...numbers].map((number) => this.contacts.textOf(number));
  }

  /** A contact as a campaign sends to it now; undefined once it is no contact of the tenant. */
  recipientOf(contactId: string): IndexedRecipient | undefined {
    const number = this.contacts.numberOf(contactId);
    if (number === undefined || !this.live.has(number)) {
      return undefined;
    }
    return {
      contactId,
      blocked: this.blocked.has(number),
      identities: this.identitiesOf(number).map((identity) => {
        const key = this.identities.textOf(identity);
        const split = key.indexOf('\n');
        return { channel: key.slice(0, split), address: key.slice(split + 1) };
      }),
    };
  }

  private evaluate(node: ResolvedCondition): Bitset {
    if ('and' in node) {
      return node.and.map((child) => this.evaluate(child)).reduce((left, right) => left.and(right));
    }
    if ('or' in node) {
      return node.or.map((child) => this.evaluate(child)).reduce((left, right) => left.or(right));
    }
    if ('not' in node) {
      return this.live.andNot(this.evaluate(node.not));
    }
    if ('tagId' in node) {
      return this.tags.get(node.tagId) ?? Bitset.empty();
    }
    if ('blocked' in node) {
      return node.blocked ? this.blocked : this.live.andNot(this.blocked);
    }
    if ('messaged' in node) {
      return this.withActivity(node);
    }
    const column = this.attributes.get(node.attribute);
    const size = this.contacts.size;
    return column
      ? column.select(size, (value) => attributeTestHolds(node, value))
      : attributeTestHolds(node, undefined)
        ? this.live
        : Bitset.empty();
  }

  private withActivity(condition: ActivityCondition): Bitset {
    const times = this.lastMessageAt;
    const size = Math.min(this.contacts.size, times.length);
    if (condition.messaged === 'ever') {
      return Bitset.where(size, (number) => !Number.isNaN(times[number]));
    }
    const at = Date.parse(condition.at);
    // NaN compares false either way: a contact without messages is neither since nor before.
    return condition.messaged === 'since'
      ? Bitset.where(size, (number) => times[number] >= at)
      : Bitset.where(size, (number) => times[number] < at);
  }

  private numberOf(contactId: string): number {
    const number = this.contacts.add(contactId);
    if (number >= this.versions.length) {
      const capacity = Math.max(1024, this.versions.length * 2);
      this.versions = grownFloats(this.versions, capacity, 0);
      this.lastMessageAt = grownFloats(this.lastMessageAt, capacity, NEVER);
      this.firstIdentity = grownInts(this.firstIdentity, capacity, NONE);
    }
    return number;
  }

  private noteActivity(number: number, at: number): void {
    const last = this.lastMessageAt[number];
    if (Number.isNaN(last) || at > last) {
      this.lastMessageAt[number] = at;
    }
  }

  private setBlocked(number: number, blocked: boolean): void {
    if (blocked) {
      this.blocked.add(number);
    } else {
      this.blocked.delete(number);
    }
  }

  private setTags(number: number, tagIds: readonly string[]): void {
    const carried = new Set(tagIds);
    for (const [tagId, members] of this.tags) {
      if (!carried.has(tagId)) {
        members.delete(number);
      }
    }
    for (const tagId of carried) {
      let members = this.tags.get(tagId);
      if (!members) {
        members = Bitset.empty();
        this.tags.set(tagId, members);
      }
      members.add(number);
    }
  }

  private setAttributes(number: number, attributes: Readonly<Record<string, AttributeValue>>): void {
    for (const [key, column] of this.attributes) {
      if (!Object.hasOwn(attributes, key)) {
        column.set(number, undefined);
      }
    }
    for (const [key, value] of Object.entries(attributes)) {
      let column = this.attributes.get(key);
      if (!column) {
        column = new AttributeColumn();
        this.attributes.set(key, column);
      }
      column.set(number, value);
    }
  }

  private identitiesOf(number: number): number[] {
    const first = this.firstIdentity[number];
    return first === NONE ? [] : [first, ...(this.moreIdentities.get(number) ?? [])];
  }

  private setIdentities(number: number, keys: string[]): void {
    for (const identity of this.identitiesOf(number)) {
      if (this.owners[identity] === number) {
        this.owners[identity] = NONE;
      }
    }
    const identities = keys.map((key) => this.identities.add(key));
    if (this.identities.size > this.owners.length) {
      this.owners = grownInts(
        this.owners,
        Math.max(1024, this.owners.length * 2, this.identities.size),
        NONE,
      );
    }
    for (const identity of identities) {
      this.owners[identity] = number;
    }
    this.firstIdentity[number] = identities[0] ?? NONE;
    if (identities.length > 1) {
      this.moreIdentities.set(number, identities.slice(1));
    } else {
      this.moreIdentities.delete(number);
    }
  }
}

function grownFloats(array: Float64Array, capacity: number, fill: number): Float64Array<ArrayBuffer> {
  const result = new Float64Array(capacity).fill(fill);
  result.set(array);
  return result;
}

function grownInts(array: Int32Array, capacity: number, fill: number): Int32Array<ArrayBuffer> {
  const result = new Int32Array(capacity).fill(fill);
  result.set(array);
  return result;
}

import { canonicalAddress, type Identity } from '@switchboard/contracts';
import type { Contact, ContactBlock } from '../apps/contacts/src/contacts/contact.schema';

/** An identity in its channel's one spelling, or undefined when it has none (an unreadable number). */
export function canonicalIdentity({ channel, address }: Identity): Identity | undefined {
  const canonical = canonicalAddress(channel, address);
  return canonical === undefined ? undefined : { channel, address: canonical };
}

/**
 * The contact that the others of a group (contacts sharing an identity once spelled one way) are
 * merged into: one that already owns an identity in its one spelling (what the platform has known
 * the customer by since spellings were read alike), else the oldest; the contact id settles a tie,
 * so a second run picks the same one.
 */
export function survivorOf(members: readonly Contact[], ownsCanonical: ReadonlySet<string>): Contact {
  return [...members].sort(
    (left, right) =>
      Number(ownsCanonical.has(right.contactId)) - Number(ownsCanonical.has(left.contactId)) ||
      new Date(left.createdAt).getTime() - new Date(right.createdAt).getTime() ||
      left.contactId.localeCompare(right.contactId),
  )[0];
}

/**
 * The block that holds after a merge: any block over none, a permanent one over one that ends,
 * of two that end the later end; of equals, the earlier (who blocked the customer first).
 */
export function strictestBlock(blocks: readonly ContactBlock[]): ContactBlock {
  const blocked = blocks.filter((block) => block.blocked);
  if (blocked.length === 0) {
    return blocks[0] ?? { blocked: false };
  }
  const ends = (block: ContactBlock) => (block.until ? new Date(block.until).getTime() : Infinity);
  const since = (block: ContactBlock) => (block.blockedAt ? new Date(block.blockedAt).getTime() : 0);
  return [...blocked].sort((left, right) => ends(right) - ends(left) || since(left) - since(right))[0];
}

/** The fields of the survivor a merge rewrites. */
export type MergedFields = Pick<
  Contact,
  | 'identities'
  | 'name'
  | 'email'
  | 'phone'
  | 'attributes'
  | 'tags'
  | 'tagIds'
  | 'block'
  | 'blockExpires'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

/**
 * The survivor after taking the others in (oldest first): every identity once, in its one
 * spelling; profile fields and attributes the survivor lacks, from the others; every tag once;
 * the strictest block; one version more. What the survivor has, it keeps.
 */
export function mergedFields(survivor: Contact, others: readonly Contact[], now: Date): MergedFields {
  const members = [survivor, ...[...others].sort((left, right) => +left.createdAt - +right.createdAt)];
  const identities = new Map<string, Identity>();
  for (const identity of members.flatMap((member) => member.identities)) {
    const canonical = canonicalIdentity(identity) ?? identity;
    identities.set(`${canonical.channel}|${canonical.address}`, canonical);
  }
  const tags: string[] = [];
  const tagIds: string[] = [];
  for (const member of members) {
    member.tagIds.forEach((tagId, position) => {
      if (!tagIds.includes(tagId)) {
        tagIds.push(tagId);
        tags.push(member.tags[position]);
      }
    });
  }
  const attributes: Contact['attributes'] = {};
  for (const member of [...members].reverse()) {
    Object.assign(attributes, member.attributes);
  }
  const block = strictestBlock(members.map((member) => member.block));
  const first = <K extends 'name' | 'email' | 'phone'>(field: K) =>
    members.find((member) => typeof member[field] === 'string')?.[field];
  return {
    identities: [...identities.values()],
    ...(first('name') !== undefined && { name: first('name') }),
    ...(first('email') !== undefined && { email: first('email') }),
    ...(first('phone') !== undefined && { phone: first('phone') }),
    attributes,
    tags,
    tagIds,
    block,
    ...(block.blocked && block.until && { blockExpires: true }),
    version: survivor.version + 1,
    createdAt: new Date(Math.min(...members.map((member) => new Date(member.createdAt).getTime()))),
    updatedAt: now,
  };
}

/**
 * Re-keys identities that earlier versions stored in other spellings (`14155550123`,
 * `whatsapp:+1…`, `+1 415-555-0123`, an e-mail domain in capitals) by their one spelling
 * (`canonicalAddress`), and merges the contacts that one customer got under several spellings
 * into one (docs/identities.md, "Identities stored by earlier versions").
 *
 * Idempotent and resumable: a group of contacts is first written down as a plan (the survivor
 * before and after, what moves), then carried out by steps that each give the same result when
 * repeated; a plan left unfinished by a crash is carried out again at the next run, before
 * anything else. A second run finds nothing to do. Run it with the contacts service stopped
 * (`npm run migrate`).
 */
import { v5 as uuidv5 } from 'uuid';
import type { Collection, Db } from 'mongodb';
import {
  contactKey,
  identityKey,
  type Actor,
  type ContactEvent,
  type TopicNames,
} from '@switchboard/contracts';
import type { OutboundRecord } from '@switchboard/kafka';
import { type ActivityEntry } from '../apps/contacts/src/activity/activity-entry.schema';
import { contactChanges } from '../apps/contacts/src/contacts/contact-changes';
import {
  blocklistRecords,
  contactEvent,
  eventOf,
  eventRecord,
} from '../apps/contacts/src/contacts/contact-publications';
import { toContactView, type Contact } from '../apps/contacts/src/contacts/contact.schema';
import type { IdentityClaim } from '../apps/contacts/src/contacts/identity-claim.schema';
import {
  identityActivityId,
  type IdentityActivity,
} from '../apps/contacts/src/messages/identity-activity.schema';
import type { MessageStatus } from '../apps/contacts/src/messages/stored-message.schema';
import type { TagUsageShare } from '../apps/contacts/src/tags/tag-usage.schema';
import { isDuplicateKeyError } from '../apps/contacts/src/store/duplicate-key';
import { canonicalIdentity, mergedFields, survivorOf, type MergedFields } from './identity-merge';

/** An identity key stored in another spelling, and its key in the one spelling. */
interface Respelling {
  from: string;
  to: string;
}

/** A contact as the plan keeps it: its state, without the outbox and applied-command memory. */
type ContactState = Omit<Contact, 'pendingPublications' | 'appliedCommandIds'>;

/** What one group of contacts becomes: written before any of it is done. */
interface IdentityPlan {
  /** The survivor's contact key. */
  _id: string;
  tenantId: string;
  survivorId: string;
  /** The contacts merged into the survivor (deleted once everything of theirs moved). */
  mergedIds: string[];
  respellings: Respelling[];
  before: ContactState;
  after: MergedFields;
  /** A tag both the survivor and a merged contact carried: its usage counts one contact fewer. */
  usageDrops: { contactId: string; tagId: string }[];
  plannedAt: Date;
  done: boolean;
}

export interface IdentityMigrationReport {
  /** Identity keys re-keyed by their one spelling. */
  respelled: number;
  /** Contacts merged into another. */
  merged: number;
  /**
   * Claims in another spelling of a contact that does not exist (a create refused after its
   * first identity was claimed): dropped, their messages and counters re-keyed.
   */
  orphaned: number;
  /** Contact ids of groups left for a later run: one of their contacts has publications not yet sent. */
  waiting: string[];
  /** Contact ids owning a stored identity that has no one spelling (a number no country has), left as it is. */
  unreadable: string[];
  /**
   * Plans found unfinished whose survivor changed since (the contacts service ran before the
   * migration was run again): dropped, and their groups planned again from what is stored.
   */
  replanned: number;
}

/** Who the migration's events name. */
const MIGRATION_ACTOR: Actor = { id: 'migration', kind: 'system', role: 'admin' };
/** Namespace of the ids of the migration's commands and events: a plan published again is the same events. */
const MIGRATION_NAMESPACE = '5a0d2c4e-8f1b-4e6a-b3d7-9c2e1f0a6b48';

export async function migrateIdentities(
  db: Db,
  topics: TopicNames,
  publish: (records: OutboundRecord[]) => Promise<void>,
  now = new Date(),
): Promise<IdentityMigrationReport> {
  const store = collectionsOf(db);
  const report: IdentityMigrationReport = {
    respelled: 0,
    merged: 0,
    orphaned: 0,
    waiting: [],
    unreadable: [],
    replanned: 0,
  };
  const carryOut = async (plan: IdentityPlan) => {
    if ((await carryOutPlan(store, topics, publish, plan)) === 'stale') {
      await store.plans.deleteOne({ _id: plan._id });
      report.replanned += 1;
      return;
    }
    report.respelled += plan.respellings.length;
    report.merged += plan.mergedIds.length;
  };
  for (const plan of await store.plans.find({ done: false }).toArray()) {
    await carryOut(plan);
  }
  for (const group of await groupsToMigrate(store, report)) {
    const plan = await planOf(store, group, now);
    if (plan === 'waiting') {
      report.waiting.push(...group.contactIds);
    } else if (plan === 'orphaned') {
      await dropOrphanedClaims(store, group);
      report.orphaned += group.respellings.length;
    } else {
      await store.plans.replaceOne({ _id: plan._id }, plan, { upsert: true });
      await carryOut(plan);
    }
  }
  return report;
}

function collectionsOf(db: Db) {
  return {
    /** `identityMigration`: the plan that wrote a survivor (so a resumed plan does not write it twice). */
    contacts: db.collection<Contact & { identityMigration?: string }>('contacts'),
    claims: db.collection<IdentityClaim>('identity_claims'),
    activity: db.collection<IdentityActivity & { mergedFrom?: string[] }>('identity_activity'),
    messages: db.collection<{ _id: string; tenantId: string; identity: string }>('messages'),
    timeline: db.collection<ActivityEntry>('activity'),
    usage: db.collection<TagUsageShare>('tag_usage'),
    plans: db.collection<IdentityPlan>('identity_migration'),
    db,
  };
}

type Store = ReturnType<typeof collectionsOf>;

/** Contacts linked by identities that are one identity in its one spelling. */
interface Group {
  tenantId: string;
  contactIds: Set<string>;
  /** Members that own an identity key already in its one spelling. */
  ownsCanonical: Set<string>;
  respellings: Respelling[];
}

/**
 * Reads every identity claim once and groups the contacts whose identities are one spelled two
 * ways: the owner of a key in another spelling, with the owner of its one spelling (if any) and
 * with the owners of its other spellings. Only the re-spelled claims stay in memory.
 */
async function groupsToMigrate(store: Store, report: IdentityMigrationReport): Promise<Group[]> {
  const respelled: { claim: IdentityClaim; to: string }[] = [];
  for await (const claim of store.claims.find({}, { batchSize: 5000 })) {
    const [tenantId, channel, address] = claim._id.split('|');
    const canonical = canonicalIdentity({ channel, address });
    if (canonical === undefined) {
      report.unreadable.push(claim.contactId);
    } else if (canonical.address !== address) {
      respelled.push({ claim, to: identityKey(tenantId, channel, canonical.address) });
    }
  }
  // Union-find over contact keys.
  const parent = new Map<string, string>();
  const root = (key: string): string => {
    const up = parent.get(key) ?? key;
    if (up === key) {
      return key;
    }
    const top = root(up);
    parent.set(key, top);
    return top;
  };
  const link = (left: string, right: string) => parent.set(root(left), root(right));
  const ownerOf = new Map<string, string>();
  const canonicalOwners = new Set<string>();
  for (const { claim, to } of respelled) {
    const owner = contactKey(claim.tenantId, claim.contactId);
    parent.set(owner, parent.get(owner) ?? owner);
    let toOwner = ownerOf.get(to);
    if (toOwner === undefined) {
      const canonicalClaim = await store.claims.findOne({ _id: to });
      if (canonicalClaim) {
        toOwner = contactKey(canonicalClaim.tenantId, canonicalClaim.contactId);
        canonicalOwners.add(toOwner);
      } else {
        toOwner = owner;
      }
      ownerOf.set(to, toOwner);
    }
    link(owner, toOwner);
  }
  const groups = new Map<string, Group>();
  for (const { claim, to } of respelled) {
    const owner = contactKey(claim.tenantId, claim.contactId);
    const top = root(owner);
    const group = groups.get(top) ?? {
      tenantId: claim.tenantId,
      contactIds: new Set<string>(),
      ownsCanonical: new Set<string>(),
      respellings: [],
    };
    group.contactIds.add(claim.contactId);
    const toOwner = ownerOf.get(to)!;
    if (canonicalOwners.has(toOwner)) {
      const toOwnerId = toOwner.slice(claim.tenantId.length + 1);
      group.contactIds.add(toOwnerId);
      group.ownsCanonical.add(toOwnerId);
    }
    group.respellings.push({ from: claim._id, to });
    groups.set(top, group);
  }
  return [...groups.values()];
}

async function planOf(store: Store, group: Group, now: Date): Promise<IdentityPlan | 'waiting' | 'orphaned'> {
  // One exact read each: FerretDB 1.24 reads a whole collection for `_id: {$in}`.
  const members = (
    await Promise.all(
      [...group.contactIds].map((contactId) =>
        store.contacts.findOne({ _id: contactKey(group.tenantId, contactId) }),
      ),
    )
  ).filter((member) => member !== null);
  if (members.length === 0) {
    return 'orphaned';
  }
  if (members.some((member) => (member.pendingPublications ?? []).length > 0)) {
    return 'waiting';
  }
  const survivor = survivorOf(members, group.ownsCanonical);
  const others = members.filter((member) => member !== survivor);
  const carried = new Set(survivor.tagIds);
  const usageDrops = others.flatMap((other) =>
    other.tagIds.flatMap((tagId) => {
      const dropped = carried.has(tagId);
      carried.add(tagId);
      return dropped ? [{ contactId: other.contactId, tagId }] : [];
    }),
  );
  const { pendingPublications: _outbox, appliedCommandIds: _applied, ...before } = survivor;
  return {
    _id: survivor._id,
    tenantId: group.tenantId,
    survivorId: survivor.contactId,
    mergedIds: others.map((other) => other.contactId),
    respellings: group.respellings,
    before,
    after: mergedFields(survivor, others, now),
    usageDrops,
    plannedAt: now,
    done: false,
  };
}

/** Carries a plan out, every step idempotent, in an order that a crash anywhere can resume. */
async function carryOutPlan(
  store: Store,
  topics: TopicNames,
  publish: (records: OutboundRecord[]) => Promise<void>,
  plan: IdentityPlan,
): Promise<'done' | 'stale'> {
  const { tenantId, survivorId, after } = plan;
  // The survivor as planned, once: a plan resumed after the contacts service ran meanwhile finds
  // another version and is planned again (the engine's writes are fenced by version).
  const marker = planMarker(plan);
  const survivor = await store.contacts.findOne({ _id: plan._id });
  if (survivor?.identityMigration !== marker) {
    if (survivor?.version !== plan.before.version) {
      return 'stale';
    }
    await store.contacts.updateOne(
      { _id: plan._id, version: plan.before.version },
      {
        $set: { ...after, identityMigration: marker },
        ...(after.blockExpires === undefined && { $unset: { blockExpires: '' } }),
      },
    );
  }
  for (const identity of after.identities) {
    const _id = identityKey(tenantId, identity.channel, identity.address);
    await store.claims.updateOne({ _id }, { $set: { tenantId, contactId: survivorId } }, { upsert: true });
  }
  for (const mergedId of plan.mergedIds) {
    // Notes, the timeline and the inbox's activity documents name the contact by id.
    for (const name of ['notes', 'activity', 'identity_activity']) {
      await store.db
        .collection<{ tenantId: string; contactId: string }>(name)
        .updateMany({ tenantId, contactId: mergedId }, { $set: { contactId: survivorId } });
    }
  }
  for (const respelling of plan.respellings) {
    await respellMessages(store, tenantId, respelling, survivorId);
  }
  for (const { contactId, tagId } of plan.usageDrops) {
    await insertOnce(store.usage, {
      // A share of its own per merged contact and tag (the sum of shares is the usage): inserted once.
      _id: `${tenantId}:${tagId}:merged:${contactId}`,
      tenantId,
      tagId,
      partition: -1,
      count: -1,
      version: 1,
      counted: [],
    });
  }
  // The events carry the survivor as it is now: the plan's state, or a later one should the
  // contacts service have applied commands to it between a crash and this run.
  const stored = await store.contacts.findOne({ _id: plan._id });
  const survivorAfter = {
    ...(stored ?? { ...plan.before, ...after }),
    appliedCommandIds: [],
    pendingPublications: [],
  } as Contact;
  const events = eventsOf(plan, survivorAfter);
  for (const event of events.filter((each) => each.type === 'ContactMerged')) {
    await insertOnce(store.timeline, {
      _id: `${tenantId}:${event.eventId}`,
      tenantId,
      contactId: survivorId,
      eventId: event.eventId,
      type: event.type,
      actor: event.actor,
      occurredAt: new Date(event.occurredAt),
      details: { mergedContactId: event.contactId },
    });
  }
  await publish([
    ...events.map((event) => eventRecord(topics, event)),
    // The other spellings leave the blocklist; the one spelling of each identity holds the block.
    ...plan.respellings.map(({ from }) => ({ topic: topics.contactBlocklist, key: from, value: null })),
    ...blocklistRecords(topics, null, survivorAfter),
  ]);
  for (const { from } of plan.respellings) {
    await store.claims.deleteOne({ _id: from });
  }
  for (const mergedId of plan.mergedIds) {
    await store.contacts.deleteOne({ _id: contactKey(tenantId, mergedId) });
  }
  await store.plans.updateOne({ _id: plan._id }, { $set: { done: true } });
  return 'done';
}

function planMarker(plan: IdentityPlan): string {
  return `${plan._id}@${new Date(plan.plannedAt).toISOString()}`;
}

/**
 * A group whose contacts do not exist: its claims in other spellings go, their messages and
 * counters are re-keyed by the one spelling (found by whichever contact claims it later). Each
 * step is idempotent: a crash part-way is finished by the next run, which finds the claims.
 */
async function dropOrphanedClaims(store: Store, group: Group): Promise<void> {
  for (const respelling of group.respellings) {
    const claim = await store.claims.findOne({ _id: respelling.from });
    await respellMessages(store, group.tenantId, respelling, claim?.contactId ?? '');
    await store.claims.deleteOne({ _id: respelling.from });
  }
}

/** An identity's stored messages and their counters, from another spelling to its one spelling. */
async function respellMessages(store: Store, tenantId: string, { from, to }: Respelling, contactId: string) {
  await store.messages.updateMany(
    { tenantId, identity: identityOfKey(from) },
    { $set: { identity: identityOfKey(to) } },
  );
  for (const status of ['accepted', 'blocked'] as const) {
    await moveActivity(store, from, to, status, contactId);
  }
}

/**
 * Adds one identity's counts under another spelling to its one spelling's (or moves them there),
 * once: the target remembers what it took in.
 */
async function moveActivity(
  store: Store,
  from: string,
  to: string,
  status: MessageStatus,
  contactId: string,
) {
  const fromId = identityActivityId(from, status);
  const toId = identityActivityId(to, status);
  const moving = await store.activity.findOne({ _id: fromId });
  if (!moving) {
    return;
  }
  const target = await store.activity.findOne({ _id: toId });
  if (!target) {
    await insertOnce(store.activity, { ...moving, _id: toId, contactId, mergedFrom: [fromId] });
  } else if (!(target.mergedFrom ?? []).includes(fromId)) {
    const newer = new Date(moving.lastMessageAt) > new Date(target.lastMessageAt);
    await store.activity.updateOne(
      { _id: toId },
      {
        $set: {
          contactId,
          count: target.count + moving.count,
          firstSeenAt: new Date(Math.min(+new Date(target.firstSeenAt), +new Date(moving.firstSeenAt))),
          lastMessageAt: newer ? moving.lastMessageAt : target.lastMessageAt,
          lastMessage: newer ? moving.lastMessage : target.lastMessage,
          mergedFrom: [...(target.mergedFrom ?? []), fromId],
        },
      },
    );
  }
  await store.activity.deleteOne({ _id: fromId });
}

/** The survivor's `ContactUpdated` (when it changed) and a `ContactMerged` per merged contact. */
function eventsOf(plan: IdentityPlan, survivorAfter: Contact): ContactEvent[] {
  const cause = {
    commandId: uuidv5(`${plan._id}\n${+plan.plannedAt}`, MIGRATION_NAMESPACE),
    tenantId: plan.tenantId,
    actor: MIGRATION_ACTOR,
  };
  const eventId = (about: string) => uuidv5(`${cause.commandId}\n${about}`, MIGRATION_NAMESPACE);
  const before = { ...plan.before, appliedCommandIds: [], pendingPublications: [] } as Contact;
  // A survivor that a merged contact's block now holds is blocked: what consumers of blocks react to.
  const eventType =
    !before.block.blocked && survivorAfter.block.blocked ? 'ContactBlocked' : 'ContactUpdated';
  const updated = contactEvent(
    cause,
    eventType,
    survivorAfter,
    Object.keys(contactChanges(before, survivorAfter)),
    plan.after.updatedAt,
    {
      before,
    },
  );
  const merged = plan.mergedIds.map((contactId) => ({
    ...eventOf(
      cause,
      { contactId },
      'ContactMerged',
      { mergedInto: plan.survivorId, contact: toContactView(survivorAfter) },
      plan.after.updatedAt,
    ),
    eventId: eventId(contactId),
  }));
  const updatedIfChanged = 'changed' in updated.payload && updated.payload.changed ? [updated] : [];
  return [...updatedIfChanged.map((event) => ({ ...event, eventId: eventId(plan.survivorId) })), ...merged];
}

/** `channel|address` of an identity key (`tenantId|channel|address`), as stored messages name their sender. */
function identityOfKey(key: string): string {
  return key.slice(key.indexOf('|') + 1);
}

async function insertOnce<T extends { _id: string }>(collection: Collection<T>, document: T): Promise<void> {
  try {
    await collection.insertOne(document as Parameters<Collection<T>['insertOne']>[0]);
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
}

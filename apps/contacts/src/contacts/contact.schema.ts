import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AttributeValue, ContactView, Identity } from '@switchboard/contracts';
import type { ContactActivity } from '../messages/contact-activity';
import type { OutboundRecord } from '@switchboard/kafka';

/** Records a command must publish, kept in the contact's document until they are acknowledged. */
export interface PendingPublication {
  commandId: string;
  records: OutboundRecord[];
  /** How the change moves catalog usage counts (tag id → ±1), applied with the publication. */
  usageDeltas?: Record<string, number>;
}

export interface ContactBlock {
  blocked: boolean;
  blockedAt?: Date;
  blockedBy?: string;
  reason?: string;
  /** When a temporary block ends; the block-expiry sweeper then unblocks the contact. */
  until?: Date;
}

/**
 * One contact of one tenant. `_id` is its Kafka key, `contactKey(tenantId, contactId)`, so every lookup is an exact
 * `_id` match that every MongoDB-compatible store serves fast.
 */
@Schema({ collection: 'contacts', versionKey: false, minimize: false })
export class Contact {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  contactId: string;

  @Prop({ type: [{ _id: false, channel: String, address: String }], default: [] })
  identities: Identity[];

  @Prop()
  name?: string;

  @Prop()
  email?: string;

  @Prop()
  phone?: string;

  @Prop({ type: Object, default: {} })
  attributes: Record<string, AttributeValue>;

  /** Catalog spellings of the tags the contact carries, in the order they were added. */
  @Prop({ type: [String], default: [] })
  tags: string[];

  /** The same tags' catalog ids, position for position: segments and catalog jobs query these. */
  @Prop({ type: [String], default: [] })
  tagIds: string[];

  @Prop({ type: Object, default: { blocked: false } })
  block: ContactBlock;

  /**
   * True while the contact's block has an end (`block.until`); absent otherwise. The store adapter
   * keeps it with every write of `block`: a top-level equality is what every store narrows a
   * query by (FerretDB 1.24 reads every contact for `block.blocked`), so the block-expiry sweeper
   * reads only the contacts with a temporary block.
   */
  @Prop()
  blockExpires?: boolean;

  /**
   * Counts applied changes; every write is conditional on the version it was decided from, which
   * fences a process that no longer owns the contact's partition (docs/operations.md).
   */
  @Prop({ required: true })
  version: number;

  /** The most recent command ids applied to this contact: redeliveries change nothing. */
  @Prop({ type: [String], default: [] })
  appliedCommandIds: string[];

  /** Outbox: publications written with the state change, removed once Kafka acknowledged them. */
  @Prop({ type: [Object], default: [] })
  pendingPublications: PendingPublication[];

  @Prop({ required: true })
  createdAt: Date;

  @Prop({ required: true })
  updatedAt: Date;
}

export const ContactSchema = SchemaFactory.createForClass(Contact);
ContactSchema.index({ tenantId: 1, contactId: 1 });
ContactSchema.index({ tenantId: 1, 'block.blocked': 1 });
// The block-expiry sweeper's query, over every tenant: temporarily blocked contacts are few.
ContactSchema.index({ blockExpires: 1 });
// Segments, catalog jobs and campaigns select contacts by tag (a multikey index on MongoDB).
ContactSchema.index({ tenantId: 1, tagIds: 1 });

/** The public shape of a stored contact; message counters and times when `activity` is given. */
export function toContactView(contact: Contact, activity?: ContactActivity | null): ContactView {
  return {
    tenantId: contact.tenantId,
    contactId: contact.contactId,
    identities: contact.identities.map(({ channel, address }) => ({ channel, address })),
    ...(typeof contact.name === 'string' && { name: contact.name }),
    ...(typeof contact.email === 'string' && { email: contact.email }),
    ...(typeof contact.phone === 'string' && { phone: contact.phone }),
    attributes: contact.attributes ?? {},
    tags: contact.tags ?? [],
    block: {
      blocked: contact.block?.blocked ?? false,
      ...(contact.block?.blockedAt && { blockedAt: new Date(contact.block.blockedAt).toISOString() }),
      ...(contact.block?.blockedBy && { blockedBy: contact.block.blockedBy }),
      ...(contact.block?.reason && { reason: contact.block.reason }),
      ...(contact.block?.until && { until: new Date(contact.block.until).toISOString() }),
    },
    version: contact.version,
    createdAt: new Date(contact.createdAt).toISOString(),
    updatedAt: new Date(contact.updatedAt).toISOString(),
    ...(activity !== undefined && { counters: activity?.counters ?? { accepted: 0, blocked: 0 } }),
    ...(activity && {
      lastMessageAt: activity.lastMessageAt.toISOString(),
      firstSeenAt: activity.firstSeenAt.toISOString(),
    }),
  };
}

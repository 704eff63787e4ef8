import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AttributeValue, ContactView, Identity } from '@switchboard/contracts';
import type { OutboundRecord } from '@switchboard/kafka';

/** Records a command must publish, kept in the contact's document until they are acknowledged. */
export interface PendingPublication {
  commandId: string;
  records: OutboundRecord[];
}

/** One message of the bounded recent history the chat screen shows. */
export interface RecentMessage {
  messageId: string;
  channel: string;
  from: string;
  type: string;
  content: Record<string, unknown>;
  sentAt: string;
  /** `accepted`, or `blocked` when it was dropped because the contact was blocked. */
  status: 'accepted' | 'blocked';
}

export interface ContactBlock {
  blocked: boolean;
  blockedAt?: Date;
  blockedBy?: string;
  reason?: string;
}

/**
 * One contact of one tenant. `_id` is `tenantId:contactId`, so every lookup is an exact
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

  @Prop({ type: [String], default: [] })
  tags: string[];

  @Prop({ type: Object, default: { blocked: false } })
  block: ContactBlock;

  @Prop({ type: Object, default: { accepted: 0, blocked: 0 } })
  counters: { accepted: number; blocked: number };

  /** Optimistic-concurrency version: every command's write is conditional on it. */
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

  @Prop()
  lastMessageAt?: Date;

  @Prop()
  firstSeenAt?: Date;

  /** The most recent inbound messages, oldest first; also what recognises a redelivered message. */
  @Prop({ type: [Object], default: [] })
  recentMessages: RecentMessage[];

  /** Optimistic-concurrency version of the message fields, apart from `version`. */
  @Prop({ default: 0 })
  messageSeq: number;
}

export const ContactSchema = SchemaFactory.createForClass(Contact);
ContactSchema.index({ tenantId: 1, contactId: 1 });
ContactSchema.index({ tenantId: 1, 'block.blocked': 1 });

export function contactDocumentId(tenantId: string, contactId: string): string {
  return `${tenantId}:${contactId}`;
}

/** The public shape of a stored contact. */
export function toContactView(contact: Contact): ContactView {
  return {
    tenantId: contact.tenantId,
    contactId: contact.contactId,
    identities: contact.identities.map(({ channel, address }) => ({ channel, address })),
    ...(contact.name !== undefined && { name: contact.name }),
    ...(contact.email !== undefined && { email: contact.email }),
    ...(contact.phone !== undefined && { phone: contact.phone }),
    attributes: contact.attributes ?? {},
    tags: contact.tags ?? [],
    block: {
      blocked: contact.block?.blocked ?? false,
      ...(contact.block?.blockedAt && { blockedAt: new Date(contact.block.blockedAt).toISOString() }),
      ...(contact.block?.blockedBy && { blockedBy: contact.block.blockedBy }),
      ...(contact.block?.reason && { reason: contact.block.reason }),
    },
    counters: { accepted: contact.counters?.accepted ?? 0, blocked: contact.counters?.blocked ?? 0 },
    version: contact.version,
    createdAt: new Date(contact.createdAt).toISOString(),
    updatedAt: new Date(contact.updatedAt).toISOString(),
    ...(contact.lastMessageAt && { lastMessageAt: new Date(contact.lastMessageAt).toISOString() }),
    ...(contact.firstSeenAt && { firstSeenAt: new Date(contact.firstSeenAt).toISOString() }),
  };
}

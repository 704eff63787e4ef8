import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A temporary block the sweeper is unblocking right now, noted before the contact is
 * changed and removed once its events are published. After a crash in between, the next
 * sweep finds it and finishes that unblock (the contact no longer matches the due query).
 */
@Schema({ collection: 'block_expiries_in_flight', versionKey: false })
export class BlockExpiry {
  /** `contactKey(tenantId, contactId)`. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  contactId: string;

  @Prop({ required: true })
  blockedAt: Date;

  @Prop({ required: true })
  until: Date;
}

export const BlockExpirySchema = SchemaFactory.createForClass(BlockExpiry);

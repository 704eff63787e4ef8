import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * Which contact owns a channel identity. `_id` is `tenantId|channel|address`: the unique
 * `_id` is what makes an identity belong to one contact per tenant, without a transaction.
 */
@Schema({ collection: 'identity_claims', versionKey: false })
export class IdentityClaim {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  contactId: string;
}

export const IdentityClaimSchema = SchemaFactory.createForClass(IdentityClaim);

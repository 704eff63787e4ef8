import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A command known to be under way without an outcome yet: the gateway answered `202` for it,
 * or the contacts service met a failure applying it. `GET /v1/commands/{id}` reads it as
 * `pending`; an id with neither this nor an outcome was never accepted (404).
 */
@Schema({ collection: 'accepted_commands', versionKey: false })
export class AcceptedCommand {
  /** `tenantId:commandId`, like its outcome. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  commandId: string;

  @Prop({ required: true })
  acceptedAt: Date;
}

export const AcceptedCommandSchema = SchemaFactory.createForClass(AcceptedCommand);
AcceptedCommandSchema.index({ acceptedAt: 1 });

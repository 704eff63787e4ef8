import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The event a command ended in, kept for status queries and idempotent redelivery. */
@Schema({ collection: 'command_outcomes', versionKey: false })
export class CommandOutcome {
  /** `tenantId:commandId` */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  commandId: string;

  @Prop({ required: true })
  eventType: string;

  /** The published event record (topic, key, JSON value), republished on redelivery. */
  @Prop({ type: Object, required: true })
  event: { topic: string; key: string; value: string };

  @Prop({ required: true })
  recordedAt: Date;
}

export const CommandOutcomeSchema = SchemaFactory.createForClass(CommandOutcome);
CommandOutcomeSchema.index({ recordedAt: 1 });

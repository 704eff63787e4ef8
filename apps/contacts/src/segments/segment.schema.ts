import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { SegmentDefinition, SegmentView } from '@switchboard/contracts';

/** A saved segment: a named definition, evaluated whenever it is used (segments stay dynamic). */
@Schema({ collection: 'segments', versionKey: false, minimize: false })
export class Segment {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  segmentId: string;

  @Prop({ required: true })
  name: string;

  /** Lower-case name: unique per tenant among live segments. */
  @Prop({ required: true })
  nameKey: string;

  @Prop({ type: Object, required: true })
  definition: SegmentDefinition;

  /** The tag ids its names had when it was saved (lower-case name → id): renames keep its meaning. */
  @Prop({ type: Object, default: {} })
  pinnedTags: Record<string, string>;

  @Prop({ required: true })
  createdBy: string;

  @Prop({ required: true })
  createdAt: Date;

  @Prop()
  deletedAt?: Date;

  @Prop()
  deletedByCommand?: string;
}

export const SegmentSchema = SchemaFactory.createForClass(Segment);
SegmentSchema.index({ tenantId: 1, nameKey: 1 }, { unique: true });

export function segmentDocumentId(tenantId: string, segmentId: string): string {
  return `${tenantId}:${segmentId}`;
}

export function toSegmentView(segment: Segment): SegmentView {
  return {
    segmentId: segment.segmentId,
    name: segment.name,
    definition: segment.definition,
    createdBy: segment.createdBy,
    createdAt: new Date(segment.createdAt).toISOString(),
  };
}

import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One share of a tag's usage count: what the changes applied on one partition of
 * `contacts.commands` moved it by. Only the consumer of that partition writes it (one writer
 * per document, no lock, on any store); a tag's usage is the sum of its shares. `_id` is
 * `tenantId:tagId:partition`.
 */
@Schema({ collection: 'tag_usage', versionKey: false })
export class TagUsageShare {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  tagId: string;

  @Prop({ required: true })
  partition: number;

  /** Contacts that gained the tag minus contacts that lost it, on this partition (may be < 0). */
  @Prop({ required: true })
  count: number;

  /** Counts the writes: each is conditional on the one it was decided from. */
  @Prop({ required: true })
  version: number;

  /**
   * The latest publications counted here (oldest first, a bounded window): a publication
   * counted again after a crash or a rebalance is recognised and moves nothing twice.
   */
  @Prop({ type: [String], default: [] })
  counted: string[];
}

export const TagUsageShareSchema = SchemaFactory.createForClass(TagUsageShare);
TagUsageShareSchema.index({ tenantId: 1, tagId: 1 });

export function tagUsageShareId(tenantId: string, tagId: string, partition: number): string {
  return `${tenantId}:${tagId}:${partition}`;
}

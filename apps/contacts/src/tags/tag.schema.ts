import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { TagView } from '@switchboard/contracts';

/**
 * A tag of a tenant's catalog. `_id` is `tenantId:tagId`; `tagId` never changes, so a rename
 * only touches the name. `nameKey` (the lower-case name) is unique per tenant: names are unique
 * regardless of case, and `name` keeps the spelling it was given. A deleted tag keeps its
 * document (redelivered commands find it) with its name released.
 */
@Schema({ collection: 'tags', versionKey: false })
export class Tag {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  tagId: string;

  @Prop({ required: true })
  name: string;

  @Prop({ required: true })
  nameKey: string;

  /** `#rrggbb` */
  @Prop({ required: true })
  colour: string;

  @Prop()
  description?: string;

  /**
   * Contacts that carried the tag when usage was still counted here; changes since are counted
   * in usage shares (TagUsageShare), and a tag's usage is the sum of both.
   */
  @Prop({ required: true, default: 0 })
  usage: number;

  @Prop({ required: true })
  createdAt: Date;

  @Prop()
  deletedAt?: Date;

  /** The command that deleted it: its redelivery is recognised, anyone else's gets a 404. */
  @Prop()
  deletedByCommand?: string;

  /** Set when the tag left the catalog by a merge: the tag that took its place. */
  @Prop()
  mergedInto?: string;
}

export const TagSchema = SchemaFactory.createForClass(Tag);
TagSchema.index({ tenantId: 1, nameKey: 1 }, { unique: true });

export function tagDocumentId(tenantId: string, tagId: string): string {
  return `${tenantId}:${tagId}`;
}

/** The tag as the API shows it; `usage` is its count (TagCatalogRepository.usage). */
export function toTagView(tag: Tag, usage: number): TagView {
  return {
    tagId: tag.tagId,
    name: tag.name,
    colour: tag.colour,
    ...(tag.description && { description: tag.description }),
    usage,
  };
}

/** Colours given to tags created by tagging (a readable palette, picked by name). */
const PALETTE = [
  '#1f77b4',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#ff7f0e',
];

export function defaultColour(name: string): string {
  let hash = 0;
  for (const character of name.toLowerCase()) {
    hash = (hash * 31 + character.codePointAt(0)!) >>> 0;
  }
  return PALETTE[hash % PALETTE.length];
}

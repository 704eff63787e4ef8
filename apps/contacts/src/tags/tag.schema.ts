import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A tag of a tenant's catalog. `_id` is `tenantId:<lower-case name>`, which makes names unique
 * per tenant case-insensitively; `name` keeps the first spelling for display.
 */
@Schema({ collection: 'tags', versionKey: false })
export class Tag {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ required: true })
  name: string;

  /** `#rrggbb` */
  @Prop({ required: true })
  colour: string;

  @Prop()
  description?: string;

  @Prop({ required: true })
  createdAt: Date;
}

export const TagSchema = SchemaFactory.createForClass(Tag);
TagSchema.index({ tenantId: 1, name: 1 });

export interface TagView {
  name: string;
  colour: string;
  description?: string;
}

export function tagDocumentId(tenantId: string, name: string): string {
  return `${tenantId}:${name.toLowerCase()}`;
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

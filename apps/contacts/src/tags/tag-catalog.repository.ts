import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { defaultColour, Tag, tagDocumentId, type TagView } from './tag.schema';

/** The tag catalog of one tenant at a time. */
@Injectable()
export class TagCatalogRepository {
  constructor(@InjectModel(Tag.name) private readonly tags: Model<Tag>) {}

  /**
   * Makes sure every name is in the catalog (adding unknown ones with a default colour) and
   * returns each name's catalog spelling, in the order given.
   */
  async ensure(tenantId: string, names: string[], now: Date): Promise<string[]> {
    const spellings = await Promise.all(
      names.map(async (name) => {
        const _id = tagDocumentId(tenantId, name);
        // Upsert by `_id`: concurrent first uses of a name agree on one entry, the first spelling wins.
        await this.tags
          .updateOne(
            { _id },
            { $setOnInsert: { tenantId, name, colour: defaultColour(name), createdAt: now } },
            { upsert: true },
          )
          .exec();
        const tag = await this.tags.findById(_id).lean<Tag>().exec();
        return tag?.name ?? name;
      }),
    );
    return spellings;
  }

  /** Catalog entries for these names (case-insensitive); unknown names are left out. */
  async find(tenantId: string, names: string[]): Promise<TagView[]> {
    const tags = await Promise.all(
      names.map((name) => this.tags.findById(tagDocumentId(tenantId, name)).lean<Tag>().exec()),
    );
    return tags.filter((tag): tag is Tag => tag !== null).map(toTagView);
  }

  async list(tenantId: string): Promise<TagView[]> {
    const tags = await this.tags.find({ tenantId }).sort({ name: 1 }).limit(5_000).lean<Tag[]>().exec();
    return tags.map(toTagView);
  }
}

function toTagView(tag: Tag): TagView {
  return { name: tag.name, colour: tag.colour, ...(tag.description && { description: tag.description }) };
}

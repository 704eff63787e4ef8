import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreModule } from '../store/store.module';
import { TagCatalogRepository } from './tag-catalog.repository';
import { Tag, TagSchema } from './tag.schema';
import { TagUsageShare, TagUsageShareSchema } from './tag-usage.schema';
import { TagUsageRepository } from './tag-usage.repository';
import { TagsController } from './tags.controller';

/** A tenant's tag catalog, and how many contacts carry each tag (shares owned by partition). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Tag.name, schema: TagSchema },
      { name: TagUsageShare.name, schema: TagUsageShareSchema },
    ]),
    StoreModule,
  ],
  controllers: [TagsController],
  providers: [TagCatalogRepository, TagUsageRepository],
  exports: [TagCatalogRepository, TagUsageRepository],
})
export class TagsModule {}

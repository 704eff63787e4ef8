import { Module } from '@nestjs/common';
import { BoundedBulk } from './bounded-bulk';

/** The store adapter every feature writes through: bulks bounded under the store's safe size. */
@Module({ providers: [BoundedBulk], exports: [BoundedBulk] })
export class StoreModule {}

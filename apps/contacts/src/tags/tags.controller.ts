import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { TagView } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { TagCatalogRepository } from './tag-catalog.repository';

/** Internal catalog reads for the gateway, which has authorised the tenant. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId/tags')
export class TagsController {
  constructor(private readonly catalog: TagCatalogRepository) {}

  /** The tenant's catalog by name, with usage counts. */
  @Get()
  async list(@Param('tenantId') tenantId: string): Promise<{ items: TagView[] }> {
    return { items: await this.catalog.list(tenantId) };
  }

  @Get(':tagId')
  async get(@Param('tenantId') tenantId: string, @Param('tagId') tagId: string): Promise<TagView> {
    const tag = await this.catalog.get(tenantId, tagId);
    if (!tag || tag.deletedAt) {
      throw new NotFoundException({ code: 'tag-not-found' });
    }
    const [view] = await this.catalog.views(tenantId, [tag]);
    return view;
  }
}

import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { SegmentDefinition, SegmentPreview, SegmentView } from '@switchboard/contracts';
import { histogram } from '@switchboard/observability';
import { toContactView } from '../contacts/contact.schema';
import { ContactsRepository } from '../contacts/contacts.repository';
import { InternalTokenGuard } from '../internal-token.guard';
import { segmentDefinitionOf } from './segment-definition-input';
import { SegmentIndex } from './index/segment-index';
import { definitionHasActivity, segmentCondition, type ResolvedSegment } from './segment-query';
import { SegmentResolver } from './segment-resolver';
import { toSegmentView } from './segment.schema';
import { SegmentsRepository } from './segments.repository';

const SAMPLE_SIZE = 10;

const previewSeconds = histogram({
  name: 'switchboard_segment_preview_seconds',
  help: 'Time to count a segment and fetch its sample',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

/** Internal segment reads for the gateway, which has authorised the tenant. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId')
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsRepository,
    private readonly resolver: SegmentResolver,
    private readonly contacts: ContactsRepository,
    private readonly index: SegmentIndex,
  ) {}

  @Get('segments')
  async list(@Param('tenantId') tenantId: string): Promise<{ items: SegmentView[] }> {
    return { items: (await this.segments.list(tenantId)).map(toSegmentView) };
  }

  @Get('segments/:segmentId')
  async get(
    @Param('tenantId') tenantId: string,
    @Param('segmentId') segmentId: string,
  ): Promise<SegmentView> {
    return toSegmentView(await this.existing(tenantId, segmentId));
  }

  @Post('segment-preview')
  @HttpCode(200)
  async preview(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<SegmentPreview> {
    const definition = segmentDefinitionOf(body);
    return this.previewOf(tenantId, definition, this.resolver.resolve(tenantId, definition, {}, 'index'));
  }

  @Get('segments/:segmentId/preview')
  async previewSaved(
    @Param('tenantId') tenantId: string,
    @Param('segmentId') segmentId: string,
  ): Promise<SegmentPreview> {
    const saved = await this.existing(tenantId, segmentId);
    return this.previewOf(tenantId, saved.definition, this.resolver.resolveSaved(saved, 'index'));
  }

  /**
   * Counted in the index, which catches up while the names are resolved; the sample's contacts
   * are read from the store.
   */
  private async previewOf(
    tenantId: string,
    definition: SegmentDefinition,
    resolving: Promise<ResolvedSegment>,
  ): Promise<SegmentPreview> {
    const stopTimer = previewSeconds.startTimer();
    const [segment, index] = await Promise.all([
      resolving,
      this.index.current(tenantId, { activity: definitionHasActivity(definition) }),
    ]);
    if (segment.matchesNothing) {
      return { count: 0, sample: [] };
    }
    const members = index.members(segmentCondition(segment));
    const sample = await this.contacts.findMany(tenantId, index.contactIdsOf(members.first(SAMPLE_SIZE)));
    stopTimer();
    return { count: members.size, sample: sample.map((contact) => toContactView(contact)) };
  }

  private async existing(tenantId: string, segmentId: string) {
    const segment = await this.segments.find(tenantId, segmentId);
    if (!segment) {
      throw new NotFoundException({ code: 'segment-not-found' });
    }
    return segment;
  }
}

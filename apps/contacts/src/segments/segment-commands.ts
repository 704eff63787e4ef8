import { Injectable } from '@nestjs/common';
import type { TenantCommandOf } from '@switchboard/contracts';
import { CommandOutcomes } from '../commands/command-outcomes';
import { nameKey } from '../store/name-key';
import { storedDefinition } from './segment-query';
import { segmentDocumentId, toSegmentView } from './segment.schema';
import { SegmentResolver } from './segment-resolver';
import { SegmentsRepository } from './segments.repository';

/** Saves and deletes segments; segment names are unique per tenant regardless of case. */
@Injectable()
export class SegmentCommands {
  constructor(
    private readonly segments: SegmentsRepository,
    private readonly resolver: SegmentResolver,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async save(command: TenantCommandOf<'segment.save'>): Promise<void> {
    const { tenantId, payload } = command;
    const existing = await this.segments.get(tenantId, payload.segmentId);
    if (existing) {
      return this.outcomes.publish(command, 'SegmentSaved', { segment: toSegmentView(existing) }); // redelivered
    }
    const segment = {
      _id: segmentDocumentId(tenantId, payload.segmentId),
      tenantId,
      segmentId: payload.segmentId,
      name: payload.name,
      nameKey: nameKey(payload.name),
      definition: storedDefinition(payload.definition),
      pinnedTags: await this.resolver.pin(tenantId, payload.definition),
      createdBy: command.actor.id,
      createdAt: new Date(),
    };
    if (!(await this.segments.insert(segment))) {
      return this.outcomes.reject(command, 'segment-name-taken', `a segment named ${payload.name} exists`);
    }
    return this.outcomes.publish(command, 'SegmentSaved', { segment: toSegmentView(segment) });
  }

  async delete(command: TenantCommandOf<'segment.delete'>): Promise<void> {
    const { tenantId, payload, commandId } = command;
    const segment = await this.segments.get(tenantId, payload.segmentId);
    if (!segment || (segment.deletedAt && segment.deletedByCommand !== commandId)) {
      return this.outcomes.reject(
        command,
        'segment-not-found',
        `segment ${payload.segmentId} does not exist`,
      );
    }
    await this.segments.markDeleted(segment, commandId, new Date());
    return this.outcomes.publish(command, 'SegmentDeleted', { segment: toSegmentView(segment) });
  }
}

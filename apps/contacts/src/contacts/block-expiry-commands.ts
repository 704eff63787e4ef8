import { Injectable, Logger } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  COMMAND_SCHEMA_VERSION,
  commandRecord,
  type Actor,
  type ContactCommandOf,
  type TopicNames,
} from '@switchboard/contracts';
import type { OutboundRecord } from '@switchboard/kafka';
import { counter } from '@switchboard/observability';
import { CommandOutcomes } from '../commands/command-outcomes';
import { decideBlockExpiry, type ScheduledExpiry } from './block-decisions';
import { ContactCommands, type JobStep } from '../write/contact-commands';
import type { ContactWriteBatch } from '../write/contact-write-batch';

/** Namespace of automatic-unblock step ids (UUIDv5 of tenant, contact, blockedAt and until). */
const EXPIRY_NAMESPACE = '7c1d8e0a-5f3b-4a2e-9d6c-2b8e4f1a3c57';
/** Who unblocks a temporary block that ended (the Actor contract's `system` kind). */
export const SYSTEM_ACTOR: Actor = { id: 'system', kind: 'system', role: 'admin' };
export const EXPIRED_REASON = 'expired';

/** A temporary block of one contact, as it was scheduled to end. */
export type ExpiringBlock = ScheduledExpiry & { tenantId: string; contactId: string };

/**
 * The automatic unblock of one temporary block, as a job step: its id follows from the tenant,
 * the contact and that block's start and end, so every sweep that sees the block applies the
 * same step (once), and a later block of the contact is another step.
 */
export function expiryStep({ tenantId, contactId, blockedAt, until }: ExpiringBlock): JobStep {
  return {
    stepId: uuidv5(
      `${tenantId}\n${contactId}\n${new Date(blockedAt).toISOString()}\n${new Date(until).toISOString()}`,
      EXPIRY_NAMESPACE,
    ),
    tenantId,
    actor: SYSTEM_ACTOR,
    reason: EXPIRED_REASON,
    command: { type: 'contact.unblock', payload: { reason: EXPIRED_REASON } },
  };
}

/** The record that asks the contact's writer to end this block. */
export function blockExpiryRecord(topics: TopicNames, block: ExpiringBlock, issuedAt: Date): OutboundRecord {
  const command: ContactCommandOf<'contact.block-expiry'> = {
    commandId: expiryStep(block).stepId,
    tenantId: block.tenantId,
    contactId: block.contactId,
    actor: SYSTEM_ACTOR,
    issuedAt: issuedAt.toISOString(),
    type: 'contact.block-expiry',
    version: COMMAND_SCHEMA_VERSION,
    payload: { blockedAt: block.blockedAt.toISOString(), until: block.until.toISOString() },
  };
  return commandRecord(topics, command);
}

const automaticUnblocks = counter({
  name: 'switchboard_block_expiries_total',
  help: 'Temporary blocks that ended and were looked at, by outcome (unblocked, unchanged, redelivered)',
  labelNames: ['outcome'] as const,
});

/**
 * Applies `contact.block-expiry` commands on the contact's partition: unblocks the contact,
 * once, if it still has that block (blocked again for good, or unblocked by hand, it is left
 * alone). The unblock is by `system` with reason `expired`.
 */
@Injectable()
export class BlockExpiryCommands {
  private readonly logger = new Logger(BlockExpiryCommands.name);

  constructor(
    private readonly commands: ContactCommands,
    private readonly outcomes: CommandOutcomes,
  ) {}

  async apply(command: ContactCommandOf<'contact.block-expiry'>, batch: ContactWriteBatch): Promise<void> {
    const { tenantId, contactId, payload } = command;
    const block = {
      tenantId,
      contactId,
      blockedAt: new Date(payload.blockedAt),
      until: new Date(payload.until),
    };
    const step = expiryStep(block);
    if (step.stepId !== command.commandId) {
      return this.outcomes.reject(
        command,
        'validation-failed',
        'commandId must be the expiry step id of the contact and its block',
      );
    }
    const outcome = await this.commands.applyJobStep(step, contactId, batch, (current, now) =>
      decideBlockExpiry(current, block, now),
    );
    automaticUnblocks.inc({ outcome: outcome.kind === 'changed' ? 'unblocked' : outcome.kind });
    if (outcome.kind === 'changed') {
      this.logger.log({ tenantId, contactId, until: block.until }, 'temporary block ended: unblocked');
    }
  }
}

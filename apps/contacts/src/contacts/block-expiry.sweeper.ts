import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { contactKey, type Actor } from '@switchboard/contracts';
import { counter } from '@switchboard/observability';
import { ContactsSettings } from '../contacts-settings';
import { decideBlockExpiry } from './block-decisions';
import { BlockExpiriesRepository } from './block-expiries.repository';
import type { BlockExpiry } from './block-expiry.schema';
import { ContactCommandsService, type JobStep } from './contact-commands.service';
import { ContactsRepository } from './contacts.repository';

/** Namespace of automatic-unblock step ids (UUIDv5 of tenant, contact, blockedAt and until). */
const EXPIRY_NAMESPACE = '7c1d8e0a-5f3b-4a2e-9d6c-2b8e4f1a3c57';
/** Expired blocks taken per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 500;
/** Who unblocks a temporary block that ended (the Actor contract's `system` kind). */
export const SYSTEM_ACTOR: Actor = { id: 'system', kind: 'system', role: 'admin' };
export const EXPIRED_REASON = 'expired';

/**
 * The automatic unblock of one temporary block, as a job step: its id follows from the tenant,
 * the contact and that block's start and end, so every sweep that sees the block applies the
 * same step (once), and a later block of the contact is another step.
 */
export function expiryStep(
  expiry: Pick<BlockExpiry, 'tenantId' | 'contactId' | 'blockedAt' | 'until'>,
): JobStep {
  const { tenantId, contactId, blockedAt, until } = expiry;
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

const automaticUnblocks = counter({
  name: 'switchboard_block_expiries_total',
  help: 'Temporary blocks the sweeper looked at, by outcome (unblocked, unchanged, redelivered)',
  labelNames: ['outcome'] as const,
});

/**
 * Unblocks contacts whose temporary block ended. Every `BLOCK_EXPIRY_SWEEP_MS` it queries the
 * blocked contacts with `block.until <= now` and applies an unblock to each as a job step with
 * a deterministic id (of the tenant, the contact and that block's blockedAt and until): applied
 * at most once, however many sweeps or instances see it, also after a restart; a later block
 * of the same contact is another block with another id. The message filters do not wait for
 * this: they stop enforcing the block at `until` on their own.
 */
@Injectable()
export class BlockExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BlockExpirySweeper.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly expiries: BlockExpiriesRepository,
    private readonly commands: ContactCommandsService,
    private readonly settings: ContactsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), this.settings.BLOCK_EXPIRY_SWEEP_MS);
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.sweeping;
  }

  private wake(): void {
    if (this.stopping || this.sweeping) {
      return;
    }
    this.sweeping = this.sweep()
      .catch((error: unknown) =>
        this.logger.warn({ reason: (error as Error).message }, 'block expiry sweep failed; will retry'),
      )
      .finally(() => (this.sweeping = undefined));
  }

  private async sweep(): Promise<void> {
    // Unblocks a crash cut short first: their contacts no longer match the due query.
    for (const expiry of await this.expiries.unfinished()) {
      await this.expireOrReport(expiry);
    }
    for (const contact of await this.contacts.dueBlockExpiries(new Date(), SWEEP_BATCH)) {
      const { blockedAt, until } = contact.block;
      if (this.stopping || !blockedAt || !until) {
        continue;
      }
      const expiry: BlockExpiry = {
        _id: contactKey(contact.tenantId, contact.contactId),
        tenantId: contact.tenantId,
        contactId: contact.contactId,
        blockedAt: new Date(blockedAt),
        until: new Date(until),
      };
      await this.expiries.note(expiry);
      await this.expireOrReport(expiry);
    }
  }

  /** One contact's failure (noted, retried next sweep) does not hold up the other tenants' unblocks. */
  private async expireOrReport(expiry: BlockExpiry): Promise<void> {
    try {
      await this.expire(expiry);
    } catch (error: unknown) {
      automaticUnblocks.inc({ outcome: 'failed' });
      this.logger.warn(
        { tenantId: expiry.tenantId, contactId: expiry.contactId, reason: (error as Error).message },
        'automatic unblock failed; retried on the next sweep',
      );
    }
  }

  private async expire(expiry: BlockExpiry): Promise<void> {
    const { tenantId, contactId, blockedAt, until } = expiry;
    const step = expiryStep(expiry);
    const outcome = await this.commands.applyJobStep(step, contactId, (current, now) =>
      decideBlockExpiry(current, { blockedAt, until }, now),
    );
    await this.expiries.done(expiry);
    automaticUnblocks.inc({ outcome: outcome.kind === 'changed' ? 'unblocked' : outcome.kind });
    if (outcome.kind === 'changed') {
      this.logger.log({ tenantId, contactId, until }, 'temporary block ended: unblocked');
    }
  }
}

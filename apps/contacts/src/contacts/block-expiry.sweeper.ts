import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { contactKey, type TopicNames } from '@switchboard/contracts';
import { KafkaProducer, TOPICS } from '@switchboard/kafka';
import { ContactsSettings } from '../contacts-settings';
import { blockExpiryRecord, type ExpiringBlock } from './block-expiry-commands';
import { ContactsRepository } from './contacts.repository';

/** Expired blocks taken per sweep; the next sweep takes the rest. */
const SWEEP_BATCH = 500;
/** A block whose unblock was sent is sent again after this long if it is still due. */
const RESEND_AFTER_MS = 60_000;

/**
 * Finds temporary blocks that ended and asks each contact's writer to end them. Every
 * `BLOCK_EXPIRY_SWEEP_MS` it queries the blocked contacts with `block.until <= now` and sends a
 * `contact.block-expiry` command for each to the contact's partition of `contacts.commands`
 * (see BlockExpiryCommands): the sweeper never writes a contact. The command's id follows from
 * the tenant, the contact and that block's start and end, so however many sweeps or instances
 * send it, it applies once, also after a crash (the record stays until applied and published); a
 * later block of the same contact is another block with another id. The message filters do not
 * wait for this: they stop enforcing the block at `until` on their own.
 */
@Injectable()
export class BlockExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BlockExpirySweeper.name);
  /** When this instance last sent each due block's unblock (by contact key). */
  private readonly sent = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly producer: KafkaProducer,
    private readonly settings: ContactsSettings,
    @Inject(TOPICS) private readonly topics: TopicNames,
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
    const now = new Date();
    const due: ExpiringBlock[] = [];
    const stillDue = new Map<string, number>();
    for (const contact of await this.contacts.dueBlockExpiries(now, SWEEP_BATCH)) {
      const { blockedAt, until } = contact.block;
      if (!blockedAt || !until) {
        continue;
      }
      const key = contactKey(contact.tenantId, contact.contactId);
      const sentAt = this.sent.get(key);
      if (sentAt !== undefined && now.getTime() - sentAt < RESEND_AFTER_MS) {
        stillDue.set(key, sentAt);
        continue;
      }
      stillDue.set(key, now.getTime());
      due.push({
        tenantId: contact.tenantId,
        contactId: contact.contactId,
        blockedAt: new Date(blockedAt),
        until: new Date(until),
      });
    }
    if (due.length > 0) {
      await this.producer.send(due.map((block) => blockExpiryRecord(this.topics, block, now)));
    }
    // Only the blocks still due are remembered: an unblocked contact drops out of the query.
    this.sent.clear();
    for (const [key, sentAt] of stillDue) {
      this.sent.set(key, sentAt);
    }
  }
}

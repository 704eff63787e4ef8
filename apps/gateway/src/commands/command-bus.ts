import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import {
  COMMAND_SCHEMA_VERSION,
  commandRecord,
  type CommandType,
  type ContactCommandOf,
  type ContactCommandType,
  type ContactEvent,
  type TenantCommandOf,
  type TenantCommandType,
  type TopicNames,
  tenantCommandEntityId,
  tenantCommandSubject,
  type TenantCommandBody,
} from '@switchboard/contracts';
import { KafkaProducer, TOPICS } from '@switchboard/kafka';
import { histogram } from '@switchboard/observability';
import { actorOf, type Principal } from '../auth/principal';
import { ApiError } from '../problems/api-error';
import { ContactsReader } from '../contacts/contacts-reader';
import { GatewaySettings } from '../gateway-settings';
import { ContactEventsListener } from './contact-events.listener';

/** Namespace of command ids derived from idempotency keys (UUIDv5). */
const IDEMPOTENCY_NAMESPACE = '5b0c3a7e-3a4f-4d0e-9a43-0c6c1f6d2b11';

export type CommandResult =
  { kind: 'completed'; event: ContactEvent } | { kind: 'pending'; commandId: string };

/** What a command is about: one contact, or a subject of the tenant (catalog, segments, a job, a campaign). */
type CommandTarget = { contactId: string } | { subject: string };

const commandLatency = histogram({
  name: 'switchboard_gateway_command_seconds',
  help: 'Time from publishing a command to receiving its outcome, by type',
  labelNames: ['type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

/**
 * Publishes commands to `contacts.commands` and waits a bounded time for their outcome.
 * A retried call with the same `Idempotency-Key` gets the same command id, so the contacts
 * service applies it once and answers it again.
 */
@Injectable()
export class CommandBus {
  private readonly logger = new Logger(CommandBus.name);

  constructor(
    private readonly producer: KafkaProducer,
    private readonly listener: ContactEventsListener,
    private readonly contacts: ContactsReader,
    private readonly settings: GatewaySettings,
    @Inject(TOPICS) private readonly topics: TopicNames,
  ) {}

  /** Publishes a command about one contact, keyed by the contact. */
  dispatch<K extends ContactCommandType>(
    principal: Principal,
    type: K,
    contactId: string,
    payload: ContactCommandOf<K>['payload'],
    idempotencyKey?: string,
  ): Promise<CommandResult> {
    return this.publishAndWait(principal, { contactId }, contactId, type, payload, idempotencyKey);
  }

  /**
   * Publishes a command about the tenant's tag catalog, its segments, a bulk job or a
   * campaign, keyed by its subject (which the type and payload decide).
   */
  dispatchTenantCommand<K extends TenantCommandType>(
    principal: Principal,
    type: K,
    payload: TenantCommandOf<K>['payload'],
    idempotencyKey?: string,
  ): Promise<CommandResult> {
    const command = { type, payload } as TenantCommandBody;
    const subject = tenantCommandSubject(command);
    // Catalog and segment commands share a subject: the tag or segment tells their retries
    // apart, as the contact does for contact commands (one key reused on another tag is
    // another call, not a retry).
    const about = `${subject}\n${tenantCommandEntityId(command)}`;
    return this.publishAndWait(principal, { subject }, about, type, payload, idempotencyKey);
  }

  /**
   * `about` is what a retry with the same idempotency key must be about too, to get the same
   * command id.
   */
  private async publishAndWait(
    principal: Principal,
    target: CommandTarget,
    about: string,
    type: CommandType,
    payload: object,
    idempotencyKey: string | undefined,
  ): Promise<CommandResult> {
    const commandId = idempotencyKey
      ? uuidv5(
          `${principal.tenantId}\n${principal.actorId}\n${type}\n${about}\n${idempotencyKey}`,
          IDEMPOTENCY_NAMESPACE,
        )
      : randomUUID();
    const command = {
      commandId,
      tenantId: principal.tenantId,
      ...target,
      actor: actorOf(principal),
      issuedAt: new Date().toISOString(),
      type,
      version: COMMAND_SCHEMA_VERSION,
      payload,
    };
    // Wait first, publish second: the outcome can arrive before `send` resolves.
    const waiter = this.listener.waitFor(commandId, this.settings.COMMAND_TIMEOUT_MS);
    const stopTimer = commandLatency.startTimer({ type });
    try {
      await this.producer.send([commandRecord(this.topics, command)]);
    } catch (error) {
      waiter.cancel();
      throw new ApiError(
        'dependency-unavailable',
        `the command could not be published: ${(error as Error).message}`,
      );
    }
    const event = await waiter.outcome;
    if (!event) {
      await this.noteAccepted(principal.tenantId, commandId);
      return { kind: 'pending', commandId };
    }
    stopTimer();
    return { kind: 'completed', event };
  }

  /**
   * Only late commands are noted (the status of the others is their outcome), so this costs a
   * call only on the slow path. Not noted, the command still applies and its status reads its
   * outcome once it has one: the caller gets its 202 anyway.
   */
  private async noteAccepted(tenantId: string, commandId: string): Promise<void> {
    try {
      await this.contacts.acceptCommand(tenantId, commandId);
    } catch (error) {
      this.logger.warn(
        { commandId, reason: (error as Error).message },
        'could not note a command as accepted; its status reads 404 until its outcome',
      );
    }
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { isCommandOutcome, parseContactEvent, parseJson, type ContactEvent } from '@switchboard/contracts';
import type { ConsumedRecord } from '@switchboard/kafka';
import { counter } from '@switchboard/observability';

const unreadableEvents = counter({
  name: 'switchboard_gateway_unreadable_events_total',
  help: 'contacts.events records the gateway could not parse (left in the topic, not acted on)',
});

/**
 * Hands command outcomes from `contacts.events` to the requests waiting for them. Every gateway
 * instance reads every partition with a private group that never commits (the `outcomes` group,
 * `gateway-consumer-groups.ts`): it only cares about events from now on.
 */
@Injectable()
export class ContactEventsListener {
  private readonly logger = new Logger(ContactEventsListener.name);
  /** Requests waiting per command id (a client may retry while its first call still waits). */
  private readonly waiters = new Map<string, Set<(event: ContactEvent) => void>>();
  private positioned = false;

  /** Whether the reader has fixed its start offsets: anything published from now on reaches us. */
  get isPositioned(): boolean {
    return this.positioned;
  }

  /** Follows the reader's joins and fetches, which tell when it is positioned. */
  watch(client: Consumer): void {
    const { GROUP_JOIN, FETCH } = client.events;
    client.on(GROUP_JOIN, () => (this.positioned = false));
    // After the first fetch following a join, the consumer has fixed its start offsets.
    client.on(FETCH, () => (this.positioned = true));
  }

  /** Hands each outcome among `records` to the requests waiting for it. */
  deliver(records: ConsumedRecord[]): void {
    for (const record of records) {
      this.deliverOne(record.value);
    }
  }

  /** Resolves with the command's outcome event, or undefined after `timeoutMs`. */
  waitFor(
    commandId: string,
    timeoutMs: number,
  ): { outcome: Promise<ContactEvent | undefined>; cancel: () => void } {
    let settle!: (event: ContactEvent | undefined) => void;
    const outcome = new Promise<ContactEvent | undefined>((resolve) => (settle = resolve));
    const waiters = this.waiters.get(commandId) ?? new Set<(event: ContactEvent) => void>();
    this.waiters.set(commandId, waiters);
    const remove = () => {
      clearTimeout(timer);
      waiters.delete(deliver);
      if (waiters.size === 0 && this.waiters.get(commandId) === waiters) {
        this.waiters.delete(commandId);
      }
    };
    const deliver = (event: ContactEvent) => {
      remove();
      settle(event);
    };
    const timer = setTimeout(() => {
      remove();
      settle(undefined);
    }, timeoutMs);
    waiters.add(deliver);
    return { outcome, cancel: remove };
  }

  private deliverOne(value: Buffer | null): void {
    if (this.waiters.size === 0) {
      return;
    }
    try {
      const plain = parseJson(value) as { commandId?: unknown; type?: unknown } | null;
      const waiting = typeof plain?.commandId === 'string' ? this.waiters.get(plain.commandId) : undefined;
      if (!waiting) {
        return; // another instance's, or nobody's: no need to validate it here
      }
      if (!isCommandOutcome({ type: String(plain!.type) })) {
        return; // a mention published along with the command's outcome, not the outcome
      }
      const event = parseContactEvent(plain);
      for (const deliver of [...waiting]) {
        deliver(event);
      }
    } catch (error) {
      unreadableEvents.inc();
      this.logger.warn({ reason: (error as Error).message }, 'skipping an unreadable contacts.events record');
    }
  }
}

import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Response } from 'express';
import type { Principal } from '../auth/principal';
import { ContactsReader } from '../contacts/contacts-reader';
import { GatewaySettings } from '../gateway-settings';
import { ApiError } from '../problems/api-error';

/** How often an open stream re-reads its contact; only changes are sent. */
export const STREAM_POLL_INTERVAL_MS = 1_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_INTERVAL_MS = 15_000;
/** The longest delay `setTimeout` takes; a token valid for longer is checked again then. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

type StreamPart = 'details' | 'messages';
const PARTS: StreamPart[] = ['details', 'messages'];
/** The SSE event name of each part. */
const EVENT_OF: Record<StreamPart, string> = { details: 'contact', messages: 'messages' };

/**
 * Live server-sent events of one contact for the chat screen: `contact` (the user details,
 * with block state and counters) and `messages` (the recent history), each sent first in
 * full and again whenever it changes.
 *
 * Fed by polling the contacts service's reads rather than by a Kafka consumer in every
 * gateway instance: what the stream shows is what `GET` returns (the contacts service has
 * recorded the message and counted it), it needs no consumer group per instance, and its cost
 * (two calls to the contacts service per second, seven indexed store reads) is paid only while
 * a console has the conversation open.
 *
 * A stream lives no longer than the token that opened it, and one actor may hold at most
 * `STREAM_MAX_PER_ACTOR` streams at once on this instance.
 */
@Injectable()
export class ContactStreams implements OnModuleDestroy {
  private readonly logger = new Logger(ContactStreams.name);
  private readonly closers = new Set<() => void>();
  /** Open streams per `tenant/actor`. */
  private readonly openPerActor = new Map<string, number>();

  constructor(
    private readonly reader: ContactsReader,
    private readonly settings: GatewaySettings,
  ) {}

  /**
   * Answers with the stream; a contact that does not exist in the tenant is a 404 problem
   * (thrown before anything is written), like every other read, and an actor over its stream
   * cap gets a 429 problem.
   */
  async open(principal: Principal, contactId: string, response: Response): Promise<void> {
    const { tenantId } = principal;
    const release = this.takeSlot(principal);

    // From here on, whatever ends the stream (the client leaving, an error on the socket,
    // the token expiring, the contact's deletion, shutdown) goes through `close`, once, and
    // nothing is written after it.
    let ended = false;
    const timers: NodeJS.Timeout[] = [];
    const close = (): void => {
      if (ended) {
        return;
      }
      ended = true;
      this.closers.delete(close);
      for (const timer of timers) {
        clearTimeout(timer);
      }
      release();
      if (response.headersSent && !response.writableEnded && !response.destroyed) {
        response.end();
      }
    };
    const write = (chunk: string): void => {
      if (!ended && !response.writableEnded && !response.destroyed) {
        response.write(chunk);
      }
    };
    this.closers.add(close);
    response.on('close', close);
    response.on('error', (error: Error) => {
      // The client went away mid-write: nothing to answer, only to stop.
      this.logger.debug({ err: error, contactId }, 'conversation stream failed');
      close();
    });

    let first: Record<StreamPart, unknown>;
    try {
      first = await this.read(tenantId, contactId);
    } catch (error) {
      close();
      throw error;
    }
    if (ended) {
      if (!response.destroyed && !response.headersSent) {
        // Shutdown came during the first read: the console reconnects to another instance.
        throw new ApiError('dependency-unavailable', 'the gateway is shutting down; reconnect');
      }
      return;
    }

    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      // Proxies (nginx) must pass events on as they come.
      'x-accel-buffering': 'no',
    });
    const sent: Partial<Record<StreamPart, string>> = {};
    const send = (snapshot: Record<StreamPart, unknown>): void => {
      for (const part of PARTS) {
        const data = JSON.stringify(snapshot[part]);
        if (sent[part] !== data) {
          sent[part] = data;
          write(`event: ${EVENT_OF[part]}\ndata: ${data}\n\n`);
        }
      }
    };
    send(first);

    let reading = false;
    const poll = setInterval(() => {
      if (reading || ended) {
        return;
      }
      reading = true;
      this.read(tenantId, contactId)
        .then(send, (error: unknown) => {
          if (error instanceof ApiError && error.code === 'contact-not-found') {
            write(`event: gone\ndata: {}\n\n`);
            close();
          } else {
            // The contacts service is away for a moment: keep the stream, try again next time.
            write(`: contacts service unavailable\n\n`);
          }
        })
        .finally(() => {
          reading = false;
        });
    }, STREAM_POLL_INTERVAL_MS);
    const keepAlive = setInterval(() => write(': keep-alive\n\n'), KEEP_ALIVE_INTERVAL_MS);
    timers.push(poll, keepAlive);
    this.endWhenTokenExpires(principal, write, close, timers);
  }

  /** Shutdown ends every open stream, so the HTTP server can close. */
  onModuleDestroy(): void {
    for (const close of [...this.closers]) {
      close();
    }
  }

  /** Counts a stream of the actor, or refuses it over the cap; returns the release (idempotent). */
  private takeSlot({ tenantId, actorId }: Principal): () => void {
    const key = `${tenantId}/${actorId}`;
    const held = this.openPerActor.get(key) ?? 0;
    const max = this.settings.STREAM_MAX_PER_ACTOR;
    if (held >= max) {
      throw new ApiError(
        'rate-limited',
        `this actor already has ${held} conversation streams open (at most ${max}); close one first`,
      );
    }
    this.openPerActor.set(key, held + 1);
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const left = (this.openPerActor.get(key) ?? 1) - 1;
      if (left > 0) {
        this.openPerActor.set(key, left);
      } else {
        this.openPerActor.delete(key);
      }
    };
  }

  /**
   * The token was checked when the stream opened; when it expires the stream ends (with a
   * comment saying why), and the console's reconnect with the same token gets a 401.
   */
  private endWhenTokenExpires(
    { tokenExpiresAt }: Principal,
    write: (chunk: string) => void,
    close: () => void,
    timers: NodeJS.Timeout[],
  ): void {
    if (tokenExpiresAt === undefined) {
      return;
    }
    const check = (): void => {
      const left = tokenExpiresAt - Date.now();
      if (left <= 0) {
        write(': token expired\n\n');
        close();
        return;
      }
      timers.push(setTimeout(check, Math.min(left, LONGEST_TIMER_MS)));
    };
    check();
  }

  private async read(tenantId: string, contactId: string): Promise<Record<StreamPart, unknown>> {
    const [details, messages] = await Promise.all(
      PARTS.map((part) => this.reader.contactPart(tenantId, contactId, part)),
    );
    return { details, messages };
  }
}

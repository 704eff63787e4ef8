import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ContactsReader } from '../contacts/contacts-reader';
import { ApiError } from '../problems/api-error';

/** How often an open stream re-reads its contact; only changes are sent. */
export const STREAM_POLL_INTERVAL_MS = 1_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_INTERVAL_MS = 15_000;

type StreamPart = 'details' | 'messages';
const PARTS: StreamPart[] = ['details', 'messages'];
/** The SSE event name of each part. */
const EVENT_OF: Record<StreamPart, string> = { details: 'contact', messages: 'messages' };

/**
 * Live server-sent events of one contact for the chat screen: `contact` (the user details,
 * with block state and counters) and `messages` (the recent history), each sent first in
 * full and again whenever it changes.
 *
 * Fed by polling the contacts service's exact-key reads rather than by a Kafka consumer in
 * every gateway instance: what the stream shows is what `GET` returns (the contacts service
 * has recorded the message and counted it), it needs no consumer group per instance, and its
 * cost is two indexed reads per second per open conversation, only while a console has it open.
 */
@Injectable()
export class ContactStreams implements OnModuleDestroy {
  private readonly closers = new Set<() => void>();

  constructor(private readonly reader: ContactsReader) {}

  /**
   * Answers with the stream; a contact that does not exist in the tenant is a 404 problem
   * (thrown before anything is written), like every other read.
   */
  async open(tenantId: string, contactId: string, request: Request, response: Response): Promise<void> {
    const first = await this.read(tenantId, contactId);
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
          response.write(`event: ${EVENT_OF[part]}\ndata: ${data}\n\n`);
        }
      }
    };
    send(first);

    let reading = false;
    const poll = setInterval(() => {
      if (reading) {
        return;
      }
      reading = true;
      this.read(tenantId, contactId)
        .then(send, (error: unknown) => {
          if (error instanceof ApiError && error.code === 'contact-not-found') {
            response.write(`event: gone\ndata: {}\n\n`);
            close();
          } else {
            // The contacts service is away for a moment: keep the stream, try again next time.
            response.write(`: contacts service unavailable\n\n`);
          }
        })
        .finally(() => {
          reading = false;
        });
    }, STREAM_POLL_INTERVAL_MS);
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_INTERVAL_MS);
    const close = (): void => {
      if (!this.closers.delete(close)) {
        return;
      }
      clearInterval(poll);
      clearInterval(keepAlive);
      response.end();
    };
    this.closers.add(close);
    request.once('close', close);
  }

  /** Shutdown ends every open stream, so the HTTP server can close. */
  onModuleDestroy(): void {
    for (const close of [...this.closers]) {
      close();
    }
  }

  private async read(tenantId: string, contactId: string): Promise<Record<StreamPart, unknown>> {
    const [details, messages] = await Promise.all(
      PARTS.map((part) => this.reader.contactPart(tenantId, contactId, part)),
    );
    return { details, messages };
  }
}

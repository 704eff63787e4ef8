import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'express';
import { aTenantId, expectEventually } from '@switchboard/testing';
import type { Principal } from '../auth/principal';
import type { ContactsReader } from '../contacts/contacts-reader';
import type { GatewaySettings } from '../gateway-settings';
import { ApiError } from '../problems/api-error';
import { ContactStreams } from './contact-streams';

/** A contacts reader whose answers the test releases one by one. */
class ControlledReader {
  calls = 0;
  private pending: { resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  /** Answer at once (the first read) instead of waiting for the test. */
  answerAtOnce = true;

  contactPart(_tenantId: string, contactId: string, part: string): Promise<unknown> {
    this.calls += 1;
    if (this.answerAtOnce) {
      return Promise.resolve(part === 'details' ? { contactId } : { items: [] });
    }
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  get waiting(): number {
    return this.pending.length;
  }

  answerAll(value: (index: number) => unknown): void {
    this.pending.splice(0).forEach(({ resolve }, index) => resolve(value(index)));
  }

  failAll(error: unknown): void {
    this.pending.splice(0).forEach(({ reject }) => reject(error));
  }
}

/** The stream served by a plain node HTTP server, as Express hands it to the controller. */
async function serve(streams: ContactStreams, principal: () => Principal): Promise<Server> {
  const server = createServer((_request, response) => {
    streams.open(principal(), 'c_1', response as unknown as Response).catch((error: unknown) => {
      response.statusCode = error instanceof ApiError && error.code === 'rate-limited' ? 429 : 500;
      response.end(error instanceof ApiError ? error.code : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface Client {
  status: () => number | undefined;
  text: () => string;
  ended: () => boolean;
  disconnect: () => void;
}

function connect(server: Server): Client {
  let status: number | undefined;
  let text = '';
  let ended = false;
  const request = get(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    (response: IncomingMessage) => {
      status = response.statusCode;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => (ended = true));
      response.on('error', () => undefined);
    },
  );
  request.on('error', () => undefined);
  return { status: () => status, text: () => text, ended: () => ended, disconnect: () => request.destroy() };
}

describe('ContactStreams', () => {
  const principal: Principal = { tenantId: aTenantId(), actorId: 'agent-1', role: 'agent' };
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('writes nothing after shutdown ended the stream, even when a poll in flight answers later', async () => {
    const reader = new ControlledReader();
    const streams = new ContactStreams(
      reader as unknown as ContactsReader,
      {
        STREAM_MAX_PER_ACTOR: 5,
      } as GatewaySettings,
    );
    server = await serve(streams, () => principal);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const client = connect(server);
      await expectEventually(() => expect(client.text()).toContain('event: messages'));
      reader.answerAtOnce = false;
      await expectEventually(() => expect(reader.waiting).toBe(2), { timeoutMs: 5_000, intervalMs: 20 });

      // Shutdown, and the reads in flight answer right after (a changed contact to send).
      streams.onModuleDestroy();
      reader.answerAll((index) => (index === 0 ? { contactId: 'c_1', changed: true } : { items: [1] }));
      await expectEventually(() => expect(client.ended()).toBe(true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(client.text()).not.toContain('changed');
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('ends the stream when the token expires', async () => {
    const reader = new ControlledReader();
    const streams = new ContactStreams(
      reader as unknown as ContactsReader,
      {
        STREAM_MAX_PER_ACTOR: 5,
      } as GatewaySettings,
    );
    server = await serve(streams, () => ({ ...principal, tokenExpiresAt: Date.now() + 300 }));
    const client = connect(server);
    await expectEventually(() => expect(client.ended()).toBe(true), { timeoutMs: 5_000, intervalMs: 20 });
    expect(client.status()).toBe(200);
    expect(client.text()).toContain('event: contact');
    expect(client.text()).toMatch(/: token expired\n\n$/);
    streams.onModuleDestroy();
  });

  it("caps one actor's open streams, and a disconnect or a refused first read frees the slot", async () => {
    const reader = new ControlledReader();
    const streams = new ContactStreams(
      reader as unknown as ContactsReader,
      {
        STREAM_MAX_PER_ACTOR: 1,
      } as GatewaySettings,
    );
    let actor = principal;
    server = await serve(streams, () => actor);
    const first = connect(server);
    await expectEventually(() => expect(first.status()).toBe(200));

    const refused = connect(server);
    await expectEventually(() => expect(refused.ended()).toBe(true));
    expect(refused.status()).toBe(429);
    actor = { ...principal, actorId: 'agent-2' };
    const colleague = connect(server);
    await expectEventually(() => expect(colleague.status()).toBe(200));
    actor = principal;

    first.disconnect();
    await expectEventually(async () => {
      const again = connect(server!);
      await expectEventually(() => expect(again.status()).toBeDefined());
      expect(again.status()).toBe(200);
      again.disconnect();
    });

    // A first read that fails (an unknown contact) answers its problem and holds no slot.
    reader.answerAtOnce = false;
    const missing = connect(server);
    await expectEventually(() => expect(reader.waiting).toBe(2));
    reader.failAll(new ApiError('contact-not-found', 'no such contact'));
    await expectEventually(() => expect(missing.ended()).toBe(true));
    expect(missing.status()).toBe(500);
    reader.answerAtOnce = true;
    const afterMissing = connect(server);
    await expectEventually(() => expect(afterMissing.status()).toBe(200));
    streams.onModuleDestroy();
  });
});

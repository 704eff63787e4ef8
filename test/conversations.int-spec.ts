import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aTenantId,
  aWhatsappIdentity,
  anInboundMessage,
  expectEventually,
  mintToken,
} from '@switchboard/testing';
import { http } from './support/http';
import { startSystem, type System } from './support/system';
import { postInbound } from './support/webhook';

/** Reads a server-sent event stream with the Authorization header, as the console does. */
async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const events: { event: string; data: any }[] = [];
  const comments: string[] = [];
  let ended = false;
  const reading = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          ended = true;
          return;
        }
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) {
            events.push({ event, data: JSON.parse(data) });
          }
          comments.push(...block.split('\n').filter((line) => line.startsWith(':')));
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    response,
    events,
    comments,
    /** The server ended the stream. */
    ended: () => ended,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe('the inbox listing and the live conversation stream', () => {
  const tenant = aTenantId();
  const otherTenant = aTenantId();
  const secret = `whsec-${randomUUID()}`;
  const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent' });
  const otherAgent = mintToken({ tenant: otherTenant, sub: 'agent-9', role: 'agent' });
  const consoleDir = mkdtempSync(join(tmpdir(), 'switchboard-console-'));
  let system: System;
  const url = (path: string) => `${system.gateway.url}${path}`;

  beforeAll(async () => {
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    system = await startSystem({
      withFilter: true,
      gatewayEnvironment: {
        WEBHOOK_SECRETS: `${tenant}=${secret}`,
        CONSOLE_DIR: consoleDir,
        STREAM_MAX_PER_ACTOR: '2',
      },
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** A customer who wrote `texts` in order, a second apart; their contact id. */
  async function customerWhoWrote(texts: string[], startAt: number): Promise<string> {
    const identity = aWhatsappIdentity();
    for (const [index, text] of texts.entries()) {
      const { tenantId: _tenant, ...message } = anInboundMessage({
        from: identity.address,
        content: { text },
        sentAt: new Date(startAt + index * 1_000).toISOString(),
      });
      expect((await postInbound(system.gateway.url, tenant, secret, message)).status).toBe(202);
    }
    return expectEventually(
      async () => {
        const found = await http('GET', url('/v1/conversations?limit=200'), { token: agent });
        const entry = found.body.items.find(
          (item: any) => item.contact.identities[0].address === identity.address,
        );
        expect(entry?.contact.counters.accepted).toBe(texts.length);
        return entry.contact.contactId as string;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  it('lists contacts by their last message, newest first, with its preview, tags and block state, page by page', async () => {
    const now = Date.now();
    const oldest = await customerWhoWrote(['first of three', 'later'], now - 60_000);
    const newest = await customerWhoWrote(['hello there', 'where is my order?'], now - 10_000);
    const middle = await customerWhoWrote(['only message'], now - 30_000);
    expect(
      (await http('POST', url(`/v1/contacts/${middle}/tags`), { token: agent, body: { tags: ['VIP'] } }))
        .status,
    ).toBe(200);
    expect(
      (await http('POST', url(`/v1/contacts/${oldest}/block`), { token: agent, body: { reason: 'spam' } }))
        .status,
    ).toBe(200);

    const all = await http('GET', url('/v1/conversations'), { token: agent });
    expect(all.status).toBe(200);
    expect(all.body.items.map((item: any) => item.contact.contactId)).toEqual([newest, middle, oldest]);
    expect(all.body.items[0].lastMessage).toMatchObject({
      content: { text: 'where is my order?' },
      status: 'accepted',
    });
    expect(all.body.items[1].contact.tags).toEqual(['VIP']);
    expect(all.body.items[2].contact.block).toMatchObject({ blocked: true, reason: 'spam' });
    expect(all.body.nextCursor).toBeUndefined();

    const first = await http('GET', url('/v1/conversations?limit=2'), { token: agent });
    expect(first.body.items.map((item: any) => item.contact.contactId)).toEqual([newest, middle]);
    const second = await http('GET', url(`/v1/conversations?limit=2&cursor=${first.body.nextCursor}`), {
      token: agent,
    });
    expect(second.body.items.map((item: any) => item.contact.contactId)).toEqual([oldest]);
    expect(second.body.nextCursor).toBeUndefined();

    const vip = await http('GET', url('/v1/conversations?tag=vip'), { token: agent });
    expect(vip.body.items.map((item: any) => item.contact.contactId)).toEqual([middle]);
    const blocked = await http('GET', url('/v1/conversations?blocked=true'), { token: agent });
    expect(blocked.body.items.map((item: any) => item.contact.contactId)).toEqual([oldest]);
    const notBlocked = await http('GET', url('/v1/conversations?blocked=false'), { token: agent });
    expect(notBlocked.body.items.map((item: any) => item.contact.contactId)).toEqual([newest, middle]);

    // Another tenant's inbox is its own: empty.
    const other = await http('GET', url('/v1/conversations'), { token: otherAgent });
    expect(other.status).toBe(200);
    expect(other.body.items).toEqual([]);
  });

  it('refuses bad listing queries and anonymous callers with problems', async () => {
    const bad = await http('GET', url('/v1/conversations?blocked=maybe&limit=0'), { token: agent });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await http('GET', url('/v1/conversations'))).status).toBe(401);
  });

  it('streams the contact and its messages, then each change, while the conversation is open', async () => {
    const contactId = await customerWhoWrote(['before the stream'], Date.now() - 5_000);
    const stream = await openStream(url(`/v1/contacts/${contactId}/messages/stream`), agent);
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
      await expectEventually(() => {
        expect(stream.events.find((event) => event.event === 'contact')?.data.contactId).toBe(contactId);
        expect(stream.events.find((event) => event.event === 'messages')?.data.items).toHaveLength(1);
      });

      const blocked = await http('POST', url(`/v1/contacts/${contactId}/block`), { token: agent, body: {} });
      expect(blocked.status).toBe(200);
      await expectEventually(() =>
        expect(stream.events.filter((event) => event.event === 'contact').at(-1)?.data.block.blocked).toBe(
          true,
        ),
      );
      const { address } = (await http('GET', url(`/v1/contacts/${contactId}`), { token: agent })).body
        .identities[0];
      const { tenantId: _tenant, ...dropped } = anInboundMessage({
        from: address,
        content: { text: 'dropped' },
      });
      expect((await postInbound(system.gateway.url, tenant, secret, dropped)).status).toBe(202);
      await expectEventually(
        () => {
          const latest = stream.events.filter((event) => event.event === 'contact').at(-1)?.data;
          expect(latest.counters.blocked).toBe(1);
          const messages = stream.events.filter((event) => event.event === 'messages').at(-1)?.data.items;
          expect(messages[0]).toMatchObject({ messageId: dropped.messageId, status: 'blocked' });
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    } finally {
      await stream.close();
    }
  });

  it('does not open another tenant’s contact, nor any stream without a token', async () => {
    const contactId = await customerWhoWrote(['private'], Date.now() - 1_000);
    const foreign = await http('GET', url(`/v1/contacts/${contactId}/messages/stream`), {
      token: otherAgent,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');
    expect((await http('GET', url(`/v1/contacts/${contactId}/messages/stream`))).status).toBe(401);
  });

  it('ends a stream when the token that opened it expires, and refuses the expired token then', async () => {
    const contactId = await customerWhoWrote(['short session'], Date.now() - 1_000);
    const shortLived = mintToken({ tenant, sub: 'agent-short', role: 'agent', expiresInSeconds: 4 });
    const stream = await openStream(url(`/v1/contacts/${contactId}/messages/stream`), shortLived);
    try {
      expect(stream.response.status).toBe(200);
      await expectEventually(() =>
        expect(stream.events.find((event) => event.event === 'contact')?.data.contactId).toBe(contactId),
      );
      await expectEventually(() => expect(stream.ended()).toBe(true), { timeoutMs: 15_000, intervalMs: 100 });
      expect(stream.comments).toContain(': token expired');
      const again = await http('GET', url(`/v1/contacts/${contactId}/messages/stream`), {
        token: shortLived,
      });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('unauthenticated');
    } finally {
      await stream.close();
    }
  });

  it('caps the streams one actor holds open, and a client disconnect frees a slot', async () => {
    const contactId = await customerWhoWrote(['watched closely'], Date.now() - 1_000);
    const capped = mintToken({ tenant, sub: 'agent-capped', role: 'agent' });
    const streamUrl = url(`/v1/contacts/${contactId}/messages/stream`);
    const open = [await openStream(streamUrl, capped), await openStream(streamUrl, capped)];
    try {
      expect(open.map((stream) => stream.response.status)).toEqual([200, 200]);
      const refused = await http('GET', streamUrl, { token: capped });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'rate-limited', status: 429 });
      expect(refused.body.detail).toContain('at most 2');

      // Another agent of the same tenant has slots of its own.
      const colleague = await openStream(streamUrl, mintToken({ tenant, sub: 'agent-colleague' }));
      expect(colleague.response.status).toBe(200);
      await colleague.close();

      await open.shift()!.close();
      const reopened = await expectEventually(async () => {
        const stream = await openStream(streamUrl, capped);
        if (stream.response.status !== 200) {
          await stream.close();
        }
        expect(stream.response.status).toBe(200);
        return stream;
      });
      open.push(reopened);
      await expectEventually(() =>
        expect(reopened.events.find((event) => event.event === 'contact')?.data.contactId).toBe(contactId),
      );
    } finally {
      await Promise.all(open.map((stream) => stream.close()));
    }
  });

  it('serves the console at /console/ with a content security policy', async () => {
    const page = await fetch(url('/console/'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>console</title>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

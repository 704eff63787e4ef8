import { topicNames } from '@switchboard/contracts';
import type { KafkaProducer, OutboundRecord } from '@switchboard/kafka';
import { aTenantId } from '@switchboard/testing';
import { GatewaySettings } from '../gateway-settings';
import { ApiError } from '../problems/api-error';
import { ChannelMessagePublisher, type ChannelMessage } from './channel-message-publisher';

/**
 * A publisher whose producer records what it sends, or fails while `failing` is set; while
 * `holding` is set, a send stays pending until the test settles it through `held`.
 */
function aPublisher(capacity = 100) {
  const sent: OutboundRecord[] = [];
  const state = { failing: false, holding: false };
  const held: Array<{ succeed: () => void; fail: (error: Error) => void }> = [];
  const producer = {
    send: (records: OutboundRecord[]) => {
      if (state.failing) {
        return Promise.reject(new Error('broker away'));
      }
      if (state.holding) {
        return new Promise<void>((resolve, reject) => {
          held.push({
            succeed: () => {
              sent.push(...records);
              resolve();
            },
            fail: reject,
          });
        });
      }
      sent.push(...records);
      return Promise.resolve();
    },
  } as unknown as KafkaProducer;
  const settings = Object.assign(new GatewaySettings(), { CHANNEL_RECENT_MESSAGE_IDS: capacity });
  const publisher = new ChannelMessagePublisher(producer, topicNames(), settings);
  return { publisher, sent, state, held };
}

/** Whether a promise has settled by the time the microtasks queued so far have run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

const aMessage = (overrides: ChannelMessage = {}): ChannelMessage => ({
  messageId: `wamid.${Math.random().toString(36).slice(2)}`,
  channel: 'whatsapp',
  from: '14155550123',
  to: '+15550783881',
  type: 'text',
  content: { text: 'hi' },
  sentAt: '2026-03-01T10:00:00.000Z',
  ...overrides,
});

describe('publishing channel messages', () => {
  const tenantId = aTenantId();

  it("publishes each message to messages.inbound keyed by the sender's one spelling", async () => {
    const { publisher, sent } = aPublisher();
    const message = aMessage();
    expect(await publisher.publish('whatsapp', tenantId, [message])).toEqual({
      published: 1,
      duplicates: 0,
      invalid: 0,
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe(topicNames().messagesInbound);
    expect(sent[0].key).toBe(`${tenantId}|whatsapp|+14155550123`);
    expect(JSON.parse(String(sent[0].value))).toMatchObject({ tenantId, from: '+14155550123' });
  });

  it('publishes a redelivered message once, also within one call', async () => {
    const { publisher, sent } = aPublisher();
    const message = aMessage();
    await publisher.publish('whatsapp', tenantId, [message, message]);
    expect(await publisher.publish('whatsapp', tenantId, [message])).toEqual({
      published: 0,
      duplicates: 1,
      invalid: 0,
    });
    expect(sent).toHaveLength(1);
  });

  it('tells the same message id of another tenant or channel apart', async () => {
    const { publisher, sent } = aPublisher();
    const message = aMessage();
    await publisher.publish('whatsapp', tenantId, [message]);
    await publisher.publish('whatsapp', aTenantId(), [message]);
    await publisher.publish('twilio', tenantId, [{ ...message, channel: 'sms', from: '+14155550123' }]);
    expect(sent).toHaveLength(3);
  });

  it('publishes a message the contract refuses as it was read, for the filter to dead-letter with the reason', async () => {
    const { publisher, sent } = aPublisher();
    const invalid = aMessage({ from: 'not-a-number' });
    expect(await publisher.publish('whatsapp', tenantId, [invalid])).toEqual({
      published: 1,
      duplicates: 0,
      invalid: 1,
    });
    expect(sent[0].key).toBe(`${tenantId}|whatsapp|not-a-number`);
    expect(JSON.parse(String(sent[0].value))).toEqual({ ...invalid, tenantId });
  });

  it('lets a redelivery through after a failed publication, which it reports as unavailable', async () => {
    const { publisher, sent, state } = aPublisher();
    const message = aMessage();
    state.failing = true;
    const failure = publisher.publish('whatsapp', tenantId, [message]);
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ code: 'dependency-unavailable' });
    state.failing = false;
    expect((await publisher.publish('whatsapp', tenantId, [message])).published).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('fails a redelivery that arrives while the first publication is under way, when that publication fails', async () => {
    const { publisher, sent, state, held } = aPublisher();
    const message = aMessage();
    state.holding = true;
    const first = publisher.publish('whatsapp', tenantId, [message]);
    const redelivery = publisher.publish('whatsapp', tenantId, [message]);
    expect(await hasSettled(redelivery)).toBe(false);
    held[0].fail(new Error('broker away'));
    await expect(first).rejects.toMatchObject({ code: 'dependency-unavailable' });
    await expect(redelivery).rejects.toMatchObject({ code: 'dependency-unavailable' });
    state.holding = false;
    expect((await publisher.publish('whatsapp', tenantId, [message])).published).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('answers a redelivery that arrives while the first publication is under way as a duplicate once it succeeds', async () => {
    const { publisher, sent, state, held } = aPublisher();
    const message = aMessage();
    const other = aMessage();
    state.holding = true;
    const first = publisher.publish('whatsapp', tenantId, [message]);
    const redelivery = publisher.publish('whatsapp', tenantId, [message, other]);
    expect(await hasSettled(redelivery)).toBe(false);
    held[1].succeed(); // the redelivery's own new message
    expect(await hasSettled(redelivery)).toBe(false);
    held[0].succeed();
    expect(await first).toEqual({ published: 1, duplicates: 0, invalid: 0 });
    expect(await redelivery).toEqual({ published: 1, duplicates: 1, invalid: 0 });
    expect(sent.map((record) => JSON.parse(String(record.value)).messageId)).toEqual([
      other.messageId,
      message.messageId,
    ]);
  });

  it('gives back every id it took when reading a message throws unexpectedly', async () => {
    const { publisher, sent } = aPublisher();
    const message = aMessage();
    const unserialisable = aMessage({ content: { text: 'hi', size: BigInt(1) } });
    await expect(publisher.publish('whatsapp', tenantId, [message, unserialisable])).rejects.toThrow(
      /BigInt/,
    );
    expect(await publisher.publish('whatsapp', tenantId, [message])).toEqual({
      published: 1,
      duplicates: 0,
      invalid: 0,
    });
    expect(sent).toHaveLength(1);
  });
});

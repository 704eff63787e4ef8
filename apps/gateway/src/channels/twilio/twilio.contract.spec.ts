import { identityKey, InboundMessage, validateContract } from '@switchboard/contracts';
import { aTwilioMessageForm } from '@switchboard/testing';
import { mapTwilioWebhook } from './twilio-mapping';

/** What the adapter hands on must be what every consumer of `messages.inbound` accepts. */
describe('the Twilio adapter against the inbound message contract', () => {
  const published = (form: Record<string, string>) =>
    mapTwilioWebhook(new URLSearchParams(form), new Date()).messages.map((message) =>
      validateContract(InboundMessage, { ...message, tenantId: 'acme' }),
    );

  it.each([
    ['an SMS', '+14155550123', 'sms'],
    ['a WhatsApp message', 'whatsapp:+14155550123', 'whatsapp'],
  ])("turns %s into a valid message from the sender's E.164 number", (_case, from, channel) => {
    const [message] = published(aTwilioMessageForm({ From: from }));
    expect(message).toBeInstanceOf(InboundMessage);
    expect(message).toMatchObject({ channel, from: '+14155550123' });
    expect(identityKey(message.tenantId, message.channel, message.from)).toBe(`acme|${channel}|+14155550123`);
  });

  it('turns a media message into a valid message', () => {
    const form = aTwilioMessageForm({
      NumMedia: '1',
      MediaUrl0: 'https://x/m',
      MediaContentType0: 'image/png',
    });
    expect(published(form)).toHaveLength(1);
  });

  it('refuses a sender that is no phone number, naming the field', () => {
    expect(() => published(aTwilioMessageForm({ From: 'messenger:12345' }))).toThrow(/from/);
  });
});

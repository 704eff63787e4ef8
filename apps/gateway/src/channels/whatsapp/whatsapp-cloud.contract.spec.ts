import {
  identityKey,
  InboundMessage,
  validateContract,
  ContractViolationError,
} from '@switchboard/contracts';
import {
  aWhatsappCloudNotification,
  metaImageMessageSample,
  metaStatusUpdateSample,
  metaTextMessageSample,
} from '@switchboard/testing';
import { mapWhatsappCloudWebhook } from './whatsapp-cloud-mapping';

/** What the adapter hands on must be what every consumer of `messages.inbound` accepts. */
describe('the WhatsApp Cloud API adapter against the inbound message contract', () => {
  const tenantId = 'acme';
  const published = (notification: unknown) =>
    mapWhatsappCloudWebhook(notification).messages.map((message) =>
      validateContract(InboundMessage, { ...message, tenantId }),
    );

  it.each([
    ['text', metaTextMessageSample(), '+16315551181'],
    ['image', metaImageMessageSample(), '+16505551234'],
  ])("turns Meta's sample %s into a valid message from the sender's E.164 number", (_type, sample, from) => {
    const [message] = published(sample);
    expect(message).toBeInstanceOf(InboundMessage);
    expect(message.from).toBe(from);
    expect(identityKey(message.tenantId, message.channel, message.from)).toBe(`acme|whatsapp|${from}`);
  });

  it('publishes nothing for a status update', () => {
    expect(published(metaStatusUpdateSample())).toEqual([]);
  });

  it.each([
    'text',
    'image',
    'audio',
    'video',
    'document',
    'sticker',
    'location',
    'contacts',
    'interactive',
    'button',
    'reaction',
    'order',
    'system',
    'unsupported',
  ])('turns a %s message into a valid message', (type) => {
    const notification = aWhatsappCloudNotification({ from: '14155550123', messageId: 'wamid.x' });
    notification.entry[0].changes[0].value.messages = [
      { from: '14155550123', id: 'wamid.x', timestamp: '1739321024', type, [type]: { id: 'x' } } as never,
    ];
    expect(published(notification)).toHaveLength(1);
  });

  it('leaves a sender that is no phone number for the contract to refuse, naming the field', () => {
    const notification = aWhatsappCloudNotification({ from: 'not-a-number' });
    expect(() => published(notification)).toThrow(ContractViolationError);
    expect(() => published(notification)).toThrow(/from/);
  });
});

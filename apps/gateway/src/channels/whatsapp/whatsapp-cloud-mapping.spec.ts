import {
  aWhatsappCloudNotification,
  metaImageMessageSample,
  metaStatusUpdateSample,
  metaTextMessageSample,
} from '@switchboard/testing';
import { mapWhatsappCloudWebhook } from './whatsapp-cloud-mapping';

/** A notification of one message of `type` carrying `body` under that type (and `extra` beside it). */
function oneMessage(type: string, body: unknown, extra: Record<string, unknown> = {}) {
  const notification = aWhatsappCloudNotification({ from: '14155550123', messageId: 'wamid.1' });
  notification.entry[0].changes[0].value.messages = [
    {
      from: '14155550123',
      id: 'wamid.1',
      timestamp: '1739321024',
      type,
      ...(body !== undefined && { [type]: body }),
      ...extra,
    } as never,
  ];
  return mapWhatsappCloudWebhook(notification).messages[0];
}

describe('the WhatsApp Cloud API mapping', () => {
  it("maps Meta's sample text message onto an inbound message", () => {
    expect(mapWhatsappCloudWebhook(metaTextMessageSample())).toEqual({
      messages: [
        {
          messageId: 'ABGGFlA5Fpa',
          channel: 'whatsapp',
          from: '+16315551181',
          to: '+16505551111',
          type: 'text',
          content: { text: 'this is a text message' },
          sentAt: '2017-09-08T20:36:28.000Z',
          profile: { name: 'test user name' },
        },
      ],
      statuses: 0,
      otherChanges: 0,
    });
  });

  it("keeps Meta's sample image as it was sent, caption and media id included", () => {
    const [image] = mapWhatsappCloudWebhook(metaImageMessageSample()).messages;
    expect(image).toEqual({
      messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      channel: 'whatsapp',
      from: '+16505551234',
      to: '+15550783881',
      type: 'image',
      content: {
        caption: 'This is a caption',
        mime_type: 'image/jpeg',
        sha256: '81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3',
        id: '2754859441498128',
      },
      sentAt: '2025-02-12T00:43:44.000Z',
      profile: { name: 'Sheena Nelson' },
    });
  });

  it('acknowledges status updates without reading them as messages', () => {
    expect(mapWhatsappCloudWebhook(metaStatusUpdateSample())).toEqual({
      messages: [],
      statuses: 1,
      otherChanges: 0,
    });
  });

  it('acknowledges changes of other fields without reading them as messages', () => {
    const notification = aWhatsappCloudNotification({ from: '14155550123' });
    notification.entry[0].changes.push({
      field: 'account_update',
      value: { event: 'VERIFIED_ACCOUNT' },
    } as never);
    notification.entry[0].changes.push({
      field: 'message_template_status_update',
      value: { messages: [{ id: 'not-a-message' }] },
    } as never);
    const mapping = mapWhatsappCloudWebhook(notification);
    expect(mapping.messages).toHaveLength(1);
    expect(mapping.otherChanges).toBe(2);
  });

  it('reads every message of every change of every entry, each with its own sender profile', () => {
    const first = aWhatsappCloudNotification({ from: '14155550123', messageId: 'wamid.a', name: 'Ada' });
    const second = aWhatsappCloudNotification({ from: '447700900123', messageId: 'wamid.b', name: 'Grace' });
    first.entry.push(...second.entry);
    const { messages } = mapWhatsappCloudWebhook(first);
    expect(messages.map(({ messageId, from, profile }) => ({ messageId, from, profile }))).toEqual([
      { messageId: 'wamid.a', from: '+14155550123', profile: { name: 'Ada' } },
      { messageId: 'wamid.b', from: '+447700900123', profile: { name: 'Grace' } },
    ]);
  });

  it.each([
    ['text', { body: 'hi' }, 'text', { text: 'hi' }],
    ['image', { id: 'm1', mime_type: 'image/jpeg' }, 'image', { id: 'm1', mime_type: 'image/jpeg' }],
    ['audio', { id: 'm2', voice: true }, 'audio', { id: 'm2', voice: true }],
    ['video', { id: 'm3', caption: 'look' }, 'video', { id: 'm3', caption: 'look' }],
    ['document', { id: 'm4', filename: 'a.pdf' }, 'document', { id: 'm4', filename: 'a.pdf' }],
    ['sticker', { id: 'm5', animated: false }, 'sticker', { id: 'm5', animated: false }],
    ['location', { latitude: 1.5, longitude: 2.5 }, 'location', { latitude: 1.5, longitude: 2.5 }],
    [
      'contacts',
      [{ name: { formatted_name: 'Bob' } }],
      'contact',
      { contacts: [{ name: { formatted_name: 'Bob' } }] },
    ],
    [
      'interactive',
      { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
      'text',
      {
        text: 'Yes please',
        interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
      },
    ],
    [
      'interactive',
      { type: 'list_reply', list_reply: { id: 'r1', title: 'Express', description: 'next day' } },
      'text',
      {
        text: 'Express',
        interactive: {
          type: 'list_reply',
          list_reply: { id: 'r1', title: 'Express', description: 'next day' },
        },
      },
    ],
    [
      'button',
      { payload: 'STOP', text: 'Stop promotions' },
      'text',
      { text: 'Stop promotions', button: { payload: 'STOP', text: 'Stop promotions' } },
    ],
    ['reaction', { message_id: 'wamid.0', emoji: '👍' }, 'reaction', { message_id: 'wamid.0', emoji: '👍' }],
    [
      'order',
      { catalog_id: 'c1', product_items: [] },
      'other',
      { order: { catalog_id: 'c1', product_items: [] }, whatsappType: 'order' },
    ],
    [
      'system',
      { body: 'User changed number', type: 'user_changed_number' },
      'other',
      { text: 'User changed number', system: { body: 'User changed number', type: 'user_changed_number' } },
    ],
    ['request_welcome', undefined, 'other', { whatsappType: 'request_welcome' }],
    [
      'a-type-of-tomorrow',
      { x: 1 },
      'other',
      { 'a-type-of-tomorrow': { x: 1 }, whatsappType: 'a-type-of-tomorrow' },
    ],
  ])('maps a %s message onto type %s, its content kept', (type, body, expectedType, content) => {
    const message = oneMessage(type, body);
    expect(message.type).toBe(expectedType);
    expect(message.content).toEqual(content);
  });

  it('keeps what an unsupported message says about itself, and what a reply answers', () => {
    const errors = [{ code: 131051, title: 'Message type unknown' }];
    const message = oneMessage('unsupported', undefined, {
      errors,
      context: { from: '15550783881', id: 'wamid.0' },
    });
    expect(message).toMatchObject({
      type: 'other',
      content: { whatsappType: 'unsupported', errors, context: { from: '15550783881', id: 'wamid.0' } },
    });
  });

  it("writes the sender's wa_id as the international number it is, and anything else as sent", () => {
    // With its `+`, no tenant's default country can read it as a national number.
    const from = (waId: string) =>
      mapWhatsappCloudWebhook(aWhatsappCloudNotification({ from: waId })).messages[0].from;
    expect(from('447700900123')).toBe('+447700900123');
    expect(from('0447700900123')).toBe('0447700900123');
    expect(from('not-a-number')).toBe('not-a-number');
  });

  it('leaves what a message lacks missing, for the contract to refuse', () => {
    const notification = aWhatsappCloudNotification({ from: '14155550123' });
    notification.entry[0].changes[0].value.messages = [{ type: 'text', timestamp: 'yesterday' } as never];
    expect(mapWhatsappCloudWebhook(notification).messages[0]).toMatchObject({
      messageId: undefined,
      from: undefined,
      sentAt: 'yesterday',
    });
  });

  it('names the business by its number id when the notification has no display number', () => {
    const notification = aWhatsappCloudNotification({ from: '14155550123' });
    notification.entry[0].changes[0].value.metadata = { phone_number_id: '106540352242922' } as never;
    expect(mapWhatsappCloudWebhook(notification).messages[0].to).toBe('106540352242922');
  });

  it.each([null, 'text', [], { entry: 'x' }, { entry: [{ changes: [null, 7] }] }])(
    'finds nothing to publish in a body shaped otherwise (%j)',
    (body) => {
      expect(mapWhatsappCloudWebhook(body).messages).toEqual([]);
    },
  );

  it('reads no content from an inherited property a type names', () => {
    expect(oneMessage('constructor', undefined).content).toEqual({ whatsappType: 'constructor' });
  });
});

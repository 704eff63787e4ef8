import { randomUUID } from 'node:crypto';

/**
 * Channel platforms' webhook payloads for tests: the samples the platforms document, and
 * builders of fresh ones. Plain JSON and form parameters, as the platforms send them.
 */

/**
 * The WhatsApp Cloud API's sample text message notification (the App Dashboard's webhook
 * "Test" payload, as Meta's payload examples show it).
 */
export function metaTextMessageSample() {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '0',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '16505551111', phone_number_id: '123456123' },
              contacts: [{ profile: { name: 'test user name' }, wa_id: '16315551181' }],
              messages: [
                {
                  from: '16315551181',
                  id: 'ABGGFlA5Fpa',
                  timestamp: '1504902988',
                  type: 'text',
                  text: { body: 'this is a text message' },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/**
 * Meta's image message example (payload examples, media messages: caption, MIME type, sha256
 * and media id as documented), with the webhook reference's example business account, number
 * and message id.
 */
export function metaImageMessageSample() {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
              messages: [
                {
                  from: '16505551234',
                  id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
                  timestamp: '1739321024',
                  type: 'image',
                  image: {
                    caption: 'This is a caption',
                    mime_type: 'image/jpeg',
                    sha256: '81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3',
                    id: '2754859441498128',
                  },
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/**
 * A status notification in the shape of Meta's status webhook reference (a message the
 * business sent was delivered), with the reference's example business account and number.
 */
export function metaStatusUpdateSample() {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              statuses: [
                {
                  id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA',
                  status: 'delivered',
                  timestamp: '1750263773',
                  recipient_id: '16505551234',
                  conversation: {
                    id: '6ceb9d929c0dbd8c9d8a3d0ef3a4b0b4',
                    origin: { type: 'service' },
                  },
                  pricing: { billable: true, pricing_model: 'PMP', category: 'service', type: 'regular' },
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/**
 * Twilio's documented signature example ("Secure webhooks": validating signatures): with this
 * auth token, URL and POST parameters, Twilio sends this `X-Twilio-Signature`.
 */
export const twilioSignatureExample = {
  authToken: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  },
  signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
} as const;

/** A WhatsApp Cloud API notification of one text message from `from` (digits, as Meta writes a wa_id). */
export function aWhatsappCloudNotification({
  from,
  messageId = `wamid.${randomUUID().replaceAll('-', '')}`,
  text = 'hello from WhatsApp',
  name = 'Ada',
  displayPhoneNumber = '15550783881',
  timestamp = String(Math.floor(Date.now() / 1000)),
}: {
  from: string;
  messageId?: string;
  text?: string;
  name?: string;
  displayPhoneNumber?: string;
  timestamp?: string;
}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: displayPhoneNumber, phone_number_id: '106540352242922' },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [{ from, id: messageId, timestamp, type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

/** A Twilio "message comes in" webhook's parameters (SMS; `whatsapp:+…` addresses for WhatsApp). */
export function aTwilioMessageForm(overrides: Record<string, string> = {}): Record<string, string> {
  const sid = `SM${randomUUID().replaceAll('-', '')}`;
  return {
    ToCountry: 'US',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: 'hello from Twilio',
    To: '+14155550100',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: `AC${randomUUID().replaceAll('-', '')}`,
    From: '+14155550123',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

import { aTwilioMessageForm } from '@switchboard/testing';
import { mapTwilioWebhook } from './twilio-mapping';

const receivedAt = new Date('2026-03-01T10:00:00.000Z');
const mapped = (form: Record<string, string>) => mapTwilioWebhook(new URLSearchParams(form), receivedAt);

describe('the Twilio mapping', () => {
  it('maps an SMS onto an inbound message on channel sms, sent when it was received', () => {
    const form = aTwilioMessageForm({ From: '+14155550123', To: '+14155550100', Body: 'Hi there' });
    expect(mapped(form)).toEqual({
      messages: [
        {
          messageId: form.MessageSid,
          channel: 'sms',
          from: '+14155550123',
          to: '+14155550100',
          type: 'text',
          content: { text: 'Hi there' },
          sentAt: '2026-03-01T10:00:00.000Z',
        },
      ],
      statuses: 0,
    });
  });

  it('maps a whatsapp: sender onto channel whatsapp, with its profile name', () => {
    const form = aTwilioMessageForm({
      From: 'whatsapp:+14155550123',
      To: 'whatsapp:+14155238886',
      ProfileName: 'Ada',
      WaId: '14155550123',
    });
    expect(mapped(form).messages[0]).toMatchObject({
      channel: 'whatsapp',
      from: 'whatsapp:+14155550123', // the contract reads it as +14155550123
      to: '+14155238886',
      profile: { name: 'Ada' },
    });
  });

  it('maps media onto the type of the first one, with every URL and content type, the body as caption', () => {
    const form = aTwilioMessageForm({
      Body: 'our receipt',
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
      MediaContentType1: 'application/pdf',
    });
    expect(mapped(form).messages[0]).toMatchObject({
      type: 'image',
      content: {
        caption: 'our receipt',
        media: [
          { url: form.MediaUrl0, contentType: 'image/jpeg' },
          { url: form.MediaUrl1, contentType: 'application/pdf' },
        ],
      },
    });
  });

  it.each([
    ['audio/ogg', 'audio'],
    ['video/mp4', 'video'],
    ['text/vcard', 'contact'],
    ['text/x-vcard', 'contact'],
    ['application/pdf', 'document'],
  ])('reads media of type %s as %s', (contentType, type) => {
    const form = aTwilioMessageForm({
      NumMedia: '1',
      MediaUrl0: 'https://x/m',
      MediaContentType0: contentType,
    });
    expect(mapped(form).messages[0].type).toBe(type);
  });

  it("follows a WhatsApp sender's MessageType, and reads a location and a button reply", () => {
    const location = aTwilioMessageForm({
      From: 'whatsapp:+14155550123',
      MessageType: 'location',
      Latitude: '37.7879',
      Longitude: '-122.4075',
      Address: '375 Beale St',
      Body: '',
    });
    expect(mapped(location).messages[0]).toMatchObject({
      type: 'location',
      content: { latitude: 37.7879, longitude: -122.4075, address: '375 Beale St' },
    });
    const button = aTwilioMessageForm({ MessageType: 'button', ButtonText: 'Yes', ButtonPayload: 'YES' });
    expect(mapped(button).messages[0]).toMatchObject({
      type: 'text',
      content: { text: 'Yes', button: { text: 'Yes', payload: 'YES' } },
    });
  });

  it.each(['queued', 'sent', 'delivered', 'read', 'failed', 'undelivered'])(
    'acknowledges a %s status callback without reading it as a message',
    (status) => {
      const form = aTwilioMessageForm({ MessageStatus: status, SmsStatus: status });
      expect(mapped(form)).toEqual({ messages: [], statuses: 1 });
    },
  );

  it('leaves what the parameters lack missing, for the contract to refuse', () => {
    expect(mapped({ Body: 'who am I' }).messages[0]).toMatchObject({ messageId: undefined, from: undefined });
  });
});

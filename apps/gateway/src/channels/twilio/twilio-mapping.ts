import { canonicalAddress, type InboundMessage } from '@switchboard/contracts';
import type { ChannelMessage } from '../channel-message-publisher';
import { contractTypeOfWhatsapp } from '../whatsapp/whatsapp-message-types';

type MessageType = InboundMessage['type'];

/** What a Twilio webhook carries: the message to publish, or a status callback to acknowledge. */
export interface TwilioMapping {
  messages: ChannelMessage[];
  /** Status callbacks of messages the business sent (`MessageStatus` other than `received`). */
  statuses: number;
}

/** Media attachments read from one message (Twilio sends at most 10). */
const MEDIA_MAX = 20;
const PROFILE_NAME_MAX_LENGTH = 200;

interface Media {
  url: string;
  contentType?: string;
}

/**
 * The message of a Twilio messaging webhook (SMS, or WhatsApp when `From` is `whatsapp:+…`) as
 * our inbound message. Pure: `receivedAt` is when the gateway received it (Twilio's webhook
 * says no send time). What the parameters lack stays missing, for the contract to refuse.
 */
export function mapTwilioWebhook(params: URLSearchParams, receivedAt: Date): TwilioMapping {
  const status = params.get('MessageStatus') ?? params.get('SmsStatus');
  if (status !== null && status !== 'received') {
    return { messages: [], statuses: 1 };
  }
  const from = params.get('From') ?? undefined;
  const channel = from?.trim().toLowerCase().startsWith('whatsapp:') ? 'whatsapp' : 'sms';
  const to = params.get('To') ?? undefined;
  const media = mediaOf(params);
  const name = params.get('ProfileName');
  const message: ChannelMessage = {
    messageId: params.get('MessageSid') ?? params.get('SmsMessageSid') ?? undefined,
    channel,
    from, // canonicalised by the contract: whatsapp:+14155550123 is +14155550123 on whatsapp
    to: to === undefined ? undefined : (canonicalAddress(channel, to) ?? to),
    type: typeOf(params, media),
    content: contentOf(params, media),
    sentAt: receivedAt.toISOString(),
    ...(name !== null && { profile: { name: name.slice(0, PROFILE_NAME_MAX_LENGTH) } }),
  };
  return { messages: [message], statuses: 0 };
}

/** `MediaUrlN` / `MediaContentTypeN` from 0 on, as many as there are (`NumMedia` says how many). */
function mediaOf(params: URLSearchParams): Media[] {
  const media: Media[] = [];
  for (let index = 0; index < MEDIA_MAX; index++) {
    const url = params.get(`MediaUrl${index}`);
    if (url === null) {
      break;
    }
    const contentType = params.get(`MediaContentType${index}`);
    media.push({ url, ...(contentType !== null && { contentType }) });
  }
  return media;
}

function typeOf(params: URLSearchParams, media: Media[]): MessageType {
  // Twilio's `MessageType` (WhatsApp senders) names WhatsApp's types.
  const declared = contractTypeOfWhatsapp(params.get('MessageType')?.toLowerCase() ?? '');
  if (declared) {
    return declared;
  }
  if (params.has('Latitude') && params.has('Longitude')) {
    return 'location';
  }
  if (media.length === 0) {
    return 'text';
  }
  const contentType = media[0].contentType?.toLowerCase() ?? '';
  if (/^text\/(x-)?vcard/.test(contentType)) {
    return 'contact';
  }
  for (const type of ['image', 'audio', 'video'] as const) {
    if (contentType.startsWith(`${type}/`)) {
      return type;
    }
  }
  return 'document';
}

/**
 * The text (`Body`; a media message's `caption`), the media with their URLs and types, a
 * location's coordinates, a button reply's text and payload.
 */
function contentOf(params: URLSearchParams, media: Media[]): Record<string, unknown> {
  const body = params.get('Body') ?? '';
  const location = params.has('Latitude') &&
    params.has('Longitude') && {
      latitude: Number(params.get('Latitude')),
      longitude: Number(params.get('Longitude')),
      ...optional('address', params.get('Address')),
      ...optional('label', params.get('Label')),
    };
  const buttonText = params.get('ButtonText');
  if (buttonText !== null) {
    return {
      text: buttonText,
      button: { text: buttonText, ...optional('payload', params.get('ButtonPayload')) },
    };
  }
  if (location) {
    return { ...location, ...(body && { text: body }) };
  }
  if (media.length > 0) {
    return { media, ...(body && { caption: body }) };
  }
  return { text: body };
}

const optional = (name: string, value: string | null) => (value === null ? {} : { [name]: value });

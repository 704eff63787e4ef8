import type { InboundMessage } from '@switchboard/contracts';

/**
 * Each WhatsApp message type onto the contract's types (the Cloud API's `type`, and Twilio's
 * `MessageType` for WhatsApp senders, which names the same types). Replies to buttons and lists
 * are what the customer answered, so they read as text; an order or a system notice has no kind
 * of its own among ours.
 */
const WHATSAPP_MESSAGE_TYPES: Record<string, InboundMessage['type']> = {
  text: 'text',
  image: 'image',
  audio: 'audio',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  contacts: 'contact',
  interactive: 'text',
  button: 'text',
  reaction: 'reaction',
  order: 'other',
  system: 'other',
  request_welcome: 'other',
  unsupported: 'other',
};

/** The contract's type of a WhatsApp message type; undefined for one WhatsApp does not document. */
export function contractTypeOfWhatsapp(whatsappType: string): InboundMessage['type'] | undefined {
  return Object.hasOwn(WHATSAPP_MESSAGE_TYPES, whatsappType)
    ? WHATSAPP_MESSAGE_TYPES[whatsappType]
    : undefined;
}

import { canonicalAddress, SenderProfile } from '@switchboard/contracts';
import type { ChannelMessage } from '../channel-message-publisher';
import { contractTypeOfWhatsapp } from './whatsapp-message-types';

/** What a WhatsApp Cloud API webhook carries: the messages to publish, and how much else it acknowledged. */
export interface WhatsappCloudMapping {
  messages: ChannelMessage[];
  /** Status updates of messages the business sent (`value.statuses`): acknowledged, not messages. */
  statuses: number;
  /** Changes of other fields (`account_update`, template reviews, …): acknowledged, not messages. */
  otherChanges: number;
}

/** Types whose WhatsApp object is the content as it is (its `caption`, `emoji`, media id…). */
const CONTENT_AS_SENT = new Set(['image', 'audio', 'video', 'document', 'sticker', 'location', 'reaction']);
const PROFILE_NAME_MAX_LENGTH = 200;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const objects = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isObject) : [];
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The messages of a WhatsApp Cloud API webhook (`entry[].changes[].value.messages[]`, field
 * `messages`), each as our inbound message on channel `whatsapp`. Pure: the body is untrusted
 * JSON, read defensively; what a message lacks stays missing, for the contract to refuse.
 */
export function mapWhatsappCloudWebhook(body: unknown): WhatsappCloudMapping {
  const mapping: WhatsappCloudMapping = { messages: [], statuses: 0, otherChanges: 0 };
  const entries = isObject(body) ? objects(body.entry) : [];
  for (const change of entries.flatMap((entry) => objects(entry.changes))) {
    const value = isObject(change.value) ? change.value : {};
    if (change.field !== 'messages') {
      mapping.otherChanges += 1;
      continue;
    }
    mapping.statuses += objects(value.statuses).length;
    const business = businessAddress(value.metadata);
    const contacts = objects(value.contacts);
    for (const message of objects(value.messages)) {
      mapping.messages.push(mapMessage(message, business, contacts));
    }
  }
  return mapping;
}

function mapMessage(
  message: Record<string, unknown>,
  to: string | undefined,
  contacts: Record<string, unknown>[],
): ChannelMessage {
  const from = message.from;
  const whatsappType = text(message.type) ?? 'unknown';
  const contact = contacts.find((candidate) => candidate.wa_id === from);
  const name = isObject(contact?.profile) ? text(contact.profile.name) : undefined;
  return {
    messageId: message.id,
    channel: 'whatsapp',
    from: internationalNumber(from), // then read by the contract's canonical address rule
    to,
    type: contractTypeOfWhatsapp(whatsappType) ?? 'other',
    content: contentOf(message, whatsappType),
    sentAt: sentAtOf(message.timestamp),
    ...(name !== undefined && { profile: profileOf(name) }),
  };
}

/**
 * A `wa_id` is the whole international number without its `+` (`14155550123`): written with
 * it, so that a tenant's default country never reads it as a national number. Anything else is
 * left as sent, for the contract to refuse.
 */
function internationalNumber(waId: unknown): unknown {
  return typeof waId === 'string' && /^[1-9]\d{6,14}$/.test(waId) ? `+${waId}` : waId;
}

/** The business's number as the customer wrote to it, in its one spelling; else the number's id. */
function businessAddress(metadata: unknown): string | undefined {
  if (!isObject(metadata)) {
    return undefined;
  }
  const display = text(metadata.display_phone_number);
  if (display) {
    return canonicalAddress('whatsapp', display) ?? display;
  }
  return text(metadata.phone_number_id);
}

/** Meta writes a unix time in seconds, as a string. Anything else is kept as sent, for the contract to refuse. */
function sentAtOf(timestamp: unknown): unknown {
  const seconds = typeof timestamp === 'string' && /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : timestamp;
}

function profileOf(name: string): SenderProfile {
  return { name: name.slice(0, PROFILE_NAME_MAX_LENGTH) };
}

/**
 * The message's content as WhatsApp sent it, with a readable `text` where it has one (the
 * console shows `text`, or a media `caption`): a text's body, a reply's title, a notice. What
 * does not map to a type of its own is kept under its WhatsApp name (`order`, `system`, …),
 * and a reply's `context` (the message it answers) and an ad's `referral` are kept for all.
 */
function contentOf(message: Record<string, unknown>, whatsappType: string): Record<string, unknown> {
  // own properties only: a `type` of `constructor` names no content
  const body = Object.hasOwn(message, whatsappType) ? message[whatsappType] : undefined;
  const common = {
    ...(isObject(message.context) && { context: message.context }),
    ...(isObject(message.referral) && { referral: message.referral }),
    ...(Array.isArray(message.errors) && { errors: message.errors }),
  };
  const readable = (value: string | undefined) => (value === undefined ? {} : { text: value });
  if (whatsappType === 'text') {
    return { ...readable(isObject(body) ? text(body.body) : undefined), ...common };
  }
  if (CONTENT_AS_SENT.has(whatsappType)) {
    return { ...(isObject(body) ? body : {}), ...common };
  }
  if (whatsappType === 'contacts') {
    return { contacts: Array.isArray(body) ? body : [], ...common };
  }
  if (whatsappType === 'interactive') {
    return { ...readable(replyTitle(body)), interactive: body, ...common };
  }
  if (whatsappType === 'button') {
    return { ...readable(isObject(body) ? text(body.text) : undefined), button: body, ...common };
  }
  if (whatsappType === 'system') {
    return { ...readable(isObject(body) ? text(body.body) : undefined), system: body, ...common };
  }
  return { ...(body !== undefined && { [whatsappType]: body }), whatsappType, ...common };
}

/** What the customer chose: a button's or a list row's title, or a flow's closing text. */
function replyTitle(interactive: unknown): string | undefined {
  if (!isObject(interactive)) {
    return undefined;
  }
  for (const kind of ['button_reply', 'list_reply']) {
    const reply = interactive[kind];
    if (isObject(reply) && typeof reply.title === 'string') {
      return reply.title;
    }
  }
  const flow = interactive.nfm_reply;
  return isObject(flow) ? text(flow.body) : undefined;
}

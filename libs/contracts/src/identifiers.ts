/**
 * Shapes of identifiers used in keys. They exclude `:` and `|`, the key separators,
 * so a key always splits back into its parts.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const CONTACT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const CHANNEL_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
export const ACTOR_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,128}$/;
/** Channels whose addresses are phone numbers, validated as E.164. */
export const PHONE_CHANNELS = new Set(['whatsapp', 'sms', 'voice']);
/** Channels whose addresses are e-mail addresses: the domain compares case-insensitively. */
export const EMAIL_CHANNELS = new Set(['email']);
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
export const ADDRESS_MAX_LENGTH = 256;

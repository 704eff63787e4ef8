/** "3 min ago", "yesterday", or a date: for times in lists. */
export function relativeTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) {
    return '';
  }
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 45) {
    return 'just now';
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.round(minutes / 60);
  if (hours < 24) {
    return `${hours} h ago`;
  }
  return new Date(iso).toLocaleDateString();
}

export function fullTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** What a message says, as plain text (rendered escaped, like all user text). */
export function messageText(content: Record<string, unknown>, type: string): string {
  if (typeof content.text === 'string') {
    return content.text;
  }
  if (typeof content.caption === 'string') {
    return `[${type}] ${content.caption}`;
  }
  return `[${type}]`;
}

/** How the console names the channels it knows; any other channel is shown as it is spelled. */
const CHANNEL_NAMES: Record<string, string> = {
  whatsapp: 'WhatsApp',
  sms: 'SMS',
  telegram: 'Telegram',
  instagram: 'Instagram',
  email: 'Email',
  voice: 'Voice',
};

/** A channel's name for people: "WhatsApp" for `whatsapp`, an unknown channel as given. */
export function channelName(channel: string): string {
  return Object.hasOwn(CHANNEL_NAMES, channel) ? CHANNEL_NAMES[channel] : channel.trim() || 'unknown channel';
}

/** Whether the console has a colour of its own for a channel (the others share a neutral one). */
export function isKnownChannel(channel: string): boolean {
  return Object.hasOwn(CHANNEL_NAMES, channel);
}

/** Black or white text, whichever reads better on a tag colour (`#rrggbb`). */
export function textColourOn(background: string): string {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(background);
  if (!match) {
    return '#111';
  }
  const [red, green, blue] = match.slice(1).map((hex) => parseInt(hex, 16) / 255);
  const luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  return luminance > 0.55 ? '#111' : '#fff';
}

export function contactTitle(contact: {
  name?: string;
  identities: { address: string }[];
  contactId: string;
}): string {
  return contact.name || contact.identities[0]?.address || contact.contactId;
}

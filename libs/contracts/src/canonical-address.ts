import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/min';
import { E164_PATTERN, EMAIL_CHANNELS, PHONE_CHANNELS } from './identifiers';

/**
 * The one spelling of an address on its channel (docs/identities.md has the table), or undefined when it cannot be normalised (a
 * phone number that is not one): every way in (HTTP, commands, inbound messages, imports) keys
 * identities by it, so a contact blocked under one spelling is blocked under all of them.
 *
 * - Phone channels: E.164. A channel prefix (`whatsapp:+1…`, as Twilio writes it) is dropped;
 *   digits without a `+` are an international number (as the WhatsApp Cloud API writes a
 *   sender) unless `defaultCountry` is given, when they are read as a national number of that
 *   country if that is a valid number, else as an international one (the tenant's setting,
 *   which only the gateway applies: `withAddressContext`). Other spellings (`+1 415-555-0123`, `00 44…`, `(0)`) are read by
 *   libphonenumber-js; what is not a possible number of any country is refused. An address
 *   already in E.164, and the two channel spellings above, cost a pattern test (measured at
 *   about 30 ns); a spelling the library reads costs about 15 µs.
 * - E-mail: the domain (after the last `@`) in lower case, the local part as sent (RFC 5321 lets
 *   a mail server tell `Ada` from `ada`; no server tells `Example.COM` from `example.com`).
 *   Identities stored by earlier versions are re-keyed by `npm run migrate`.
 * - Other channels: as sent.
 */
export function canonicalAddress(
  channel: string,
  address: string,
  defaultCountry?: CountryCode,
): string | undefined {
  if (PHONE_CHANNELS.has(channel)) {
    return canonicalPhoneNumber(channel, address, defaultCountry);
  }
  return EMAIL_CHANNELS.has(channel) ? canonicalEmailAddress(address) : address;
}

function canonicalEmailAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) {
    return address;
  }
  const domain = address.slice(at + 1);
  // Most addresses arrive lower-cased already: no new string for them.
  return domain === domain.toLowerCase() ? address : address.slice(0, at + 1) + domain.toLowerCase();
}

function canonicalPhoneNumber(channel: string, address: string, defaultCountry?: CountryCode) {
  if (E164_PATTERN.test(address)) {
    return address;
  }
  let text = address.trim();
  for (const prefix of [`${channel}:`, 'tel:']) {
    if (text.toLowerCase().startsWith(prefix)) {
      text = text.slice(prefix.length).trim();
    }
  }
  if (E164_PATTERN.test(text)) {
    return text; // as Twilio writes it: `whatsapp:+14155550123`
  }
  if (!defaultCountry && E164_PATTERN.test(`+${text}`)) {
    return `+${text}`; // as the WhatsApp Cloud API writes a sender: `14155550123`
  }
  // Anything else (separators, a national number, `00`, a trunk `(0)`) is the library's to read,
  // if it is written with nothing but digits and the separators people put in numbers.
  if (!PHONE_NUMBER_TEXT.test(text)) {
    return undefined;
  }
  const international = text.startsWith('+') || text.startsWith('00');
  const candidates = international
    ? [parsePhoneNumberFromString(text.startsWith('00') ? `+${text.slice(2)}` : text)]
    : [
        defaultCountry && parsePhoneNumberFromString(text, defaultCountry),
        parsePhoneNumberFromString(`+${text}`),
      ];
  // A reading that is a valid number wins over one only possible (of the right length): with
  // default country US, `4155550123` is +14155550123, but `6591234567` (a Singapore sender as
  // the WhatsApp Cloud API writes it) is +6591234567, no US number. Both valid: the national one.
  const possible = candidates.filter(
    (candidate): candidate is PhoneNumber => candidate !== undefined && candidate.isPossible(),
  );
  const number = possible.find((candidate) => candidate.isValid()) ?? possible[0];
  return number && E164_PATTERN.test(number.number) ? number.number : undefined;
}

/** Digits, one leading `+`, and spaces, dashes, dots and brackets between them. */
const PHONE_NUMBER_TEXT = /^\+?[\d\s\-.()\u00a0]*\d[\d\s\-.()\u00a0]*$/;

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck, SignatureHeader } from '../../inbound/signature-check';

/** Header carrying base64(HMAC-SHA1(auth token, full URL + each POST parameter's name and value)). */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{27}=$/;
const DEFAULT_PORTS: Record<string, string> = { 'http://': '80', 'https://': '443' };

/**
 * The signature Twilio sends: the full URL it called, then every POST parameter's name and
 * value, sorted by name (values of a repeated name sorted too), HMAC-SHA1 with the account's
 * auth token, in base64.
 */
export function signTwilioWebhook(
  authToken: string,
  url: string,
  params: Iterable<[string, string]>,
): string {
  const sorted = [...params].sort(([nameA, valueA], [nameB, valueB]) =>
    nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB),
  );
  const data = sorted.reduce((signed, [name, value]) => signed + name + value, url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Code-unit order, as Twilio's own helpers sort. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Checks `X-Twilio-Signature` against every spelling of the URL Twilio may have signed, in
 * constant time for each.
 */
export function verifyTwilioSignature(
  header: SignatureHeader,
  authToken: string,
  url: string,
  params: Iterable<[string, string]>,
): SignatureCheck {
  if (!header) {
    return 'missing';
  }
  if (typeof header !== 'string') {
    return 'malformed'; // sent more than once: no one signature
  }
  if (!SIGNATURE_PATTERN.test(header.trim())) {
    return 'malformed';
  }
  const presented = Buffer.from(header.trim(), 'base64');
  const entries = [...params];
  let valid = false;
  for (const candidate of urlSpellings(url)) {
    const expected = Buffer.from(signTwilioWebhook(authToken, candidate, entries), 'base64');
    valid = timingSafeEqual(expected, presented) || valid;
  }
  return valid ? 'valid' : 'mismatch';
}

/**
 * The URL as called and with its default port written or left out: Twilio signs HTTPS URLs
 * with or without `:443` depending on how the webhook was configured (its helpers try both).
 */
export function urlSpellings(url: string): string[] {
  const match = /^(https?:\/\/)([^/:?#]+)(?::(\d+))?(.*)$/i.exec(url);
  if (!match) {
    return [url];
  }
  const [, scheme, host, port, rest] = match;
  const defaultPort = DEFAULT_PORTS[scheme.toLowerCase()];
  if (port === undefined) {
    return [url, `${scheme}${host}:${defaultPort}${rest}`];
  }
  return port === defaultPort ? [url, `${scheme}${host}${rest}`] : [url];
}

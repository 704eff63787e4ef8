import { E164_PATTERN, PHONE_CHANNELS } from '@switchboard/contracts';

/** An address as a request body carries it, before the pipes have validated anything. */
export interface SentAddress {
  channel: unknown;
  address: unknown;
}

/** Where a handler's body carries addresses: read from the body as parsed, not yet validated. */
export type AddressesOf = (body: unknown) => SentAddress[];

/** A field of a parsed body, whatever the body is. */
export function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Whether reading the addresses may need the tenant's default country: a number on a phone
 * channel not already in E.164. Anything else reads the same without it (or is refused by the
 * validation either way).
 */
export function needsDefaultCountry(addresses: SentAddress[]): boolean {
  return addresses.some(
    ({ channel, address }) =>
      typeof channel === 'string' &&
      PHONE_CHANNELS.has(channel) &&
      typeof address === 'string' &&
      !E164_PATTERN.test(address),
  );
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { CountryCode } from 'libphonenumber-js/min';

/** What reading an address may use beyond the address itself: the tenant's settings. */
export interface AddressContext {
  /** The country of phone numbers written without a country code; none: they are refused. */
  defaultCountry?: CountryCode;
}

const addressContext = new AsyncLocalStorage<AddressContext>();

/**
 * Runs `work` (and everything it starts) with `context`, which `@CanonicalAddress()` reads.
 * The gateway enters it once it knows the tenant, around the validation of a request; Kafka
 * consumers never do, so commands and messages produced straight to a topic are read with no
 * default country.
 */
export function withAddressContext<T>(context: AddressContext, work: () => T): T {
  return addressContext.run(context, work);
}

/** The default country of the address context this runs in, if any. */
export function contextDefaultCountry(): CountryCode | undefined {
  return addressContext.getStore()?.defaultCountry;
}

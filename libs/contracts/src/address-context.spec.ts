import { anInboundMessage } from '@switchboard/testing';
import { contextDefaultCountry, withAddressContext } from './address-context';
import { InboundMessage } from './messages/inbound-message';
import { SetPhoneNumberSettingsPayload } from './commands/tenant-command-payloads';
import { validateContract } from './validation';

const fromUS = (from: string) => validateContract(InboundMessage, anInboundMessage({ from })).from;

describe('the address context', () => {
  it('reads a number without its country code as one of the default country inside it', () => {
    expect(withAddressContext({ defaultCountry: 'US' }, () => fromUS('(415) 555-0123'))).toBe('+14155550123');
    expect(withAddressContext({ defaultCountry: 'US' }, () => fromUS('4155550123'))).toBe('+14155550123');
    expect(withAddressContext({ defaultCountry: 'GB' }, () => fromUS('020 7946 0958'))).toBe('+442079460958');
    // a number with its country code is the same inside and out
    expect(withAddressContext({ defaultCountry: 'GB' }, () => fromUS('14155550123'))).toBe('+14155550123');
  });

  it('refuses such a number outside it, and inside one without a default country, as before', () => {
    expect(() => fromUS('(415) 555-0123')).toThrow(/from must be a phone number with its country code/);
    expect(() => withAddressContext({}, () => fromUS('(415) 555-0123'))).toThrow(/with its country code/);
  });

  it('names the default country when it refuses a number that is not one of it', () => {
    expect(() => withAddressContext({ defaultCountry: 'US' }, () => fromUS('555'))).toThrow(
      /from must be a phone number of US \(the tenant's default country\) or one with its country code/,
    );
  });

  it('holds across awaits within the work, and ends with it', async () => {
    const read = await withAddressContext({ defaultCountry: 'US' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return fromUS('415.555.0123');
    });
    expect(read).toBe('+14155550123');
    expect(contextDefaultCountry()).toBeUndefined();
    expect(() => fromUS('415.555.0123')).toThrow(/with its country code/);
  });
});

describe('the phone-number settings', () => {
  const settings = (defaultCountry: unknown) =>
    validateContract(SetPhoneNumberSettingsPayload, { defaultCountry });

  it('take a country libphonenumber-js knows, in upper case, or null for none', () => {
    expect(settings('US')).toEqual({ defaultCountry: 'US' });
    expect(settings('GB')).toEqual({ defaultCountry: 'GB' });
    expect(settings(null)).toEqual({ defaultCountry: null });
  });

  it.each([['us'], ['USA'], ['ZZ'], [''], [1], [undefined]])('refuse %p', (defaultCountry) => {
    expect(() => settings(defaultCountry)).toThrow(
      /defaultCountry must be an ISO 3166-1 alpha-2 country code in upper case \(like US\), or null/,
    );
  });
});

import { canonicalAddress } from './canonical-address';
import { parseCommand } from './commands/contact-command';
import { aContactCommand } from '@switchboard/testing';

describe('canonicalAddress', () => {
  it.each([
    ['+14155550123', 'as it is'],
    ['14155550123', 'as the WhatsApp Cloud API writes a sender'],
    ['+1 415-555-0123', 'as a person types it'],
    ['whatsapp:+14155550123', 'as Twilio writes it'],
    ['  +1 (415) 555.0123 ', 'with brackets, dots and outer spaces'],
    ['001 415 555 0123', 'with the international prefix 00'],
  ])('reads %s (%s) as +14155550123 on a phone channel', (address) => {
    expect(canonicalAddress('whatsapp', address)).toBe('+14155550123');
  });

  it('drops the prefix of the channel the number is on, and no other', () => {
    expect(canonicalAddress('sms', 'sms:+14155550123')).toBe('+14155550123');
    expect(canonicalAddress('voice', 'tel:+14155550123')).toBe('+14155550123');
    expect(canonicalAddress('sms', 'whatsapp:+14155550123')).toBeUndefined();
  });

  it('reads a number written without its country code only with a default country', () => {
    expect(canonicalAddress('sms', '(415) 555-0123')).toBeUndefined();
    expect(canonicalAddress('sms', '(415) 555-0123', 'US')).toBe('+14155550123');
    expect(canonicalAddress('whatsapp', '020 7946 0958', 'GB')).toBe('+442079460958');
    // With a default country, digits are a national number first, then an international one.
    expect(canonicalAddress('whatsapp', '4155550123', 'US')).toBe('+14155550123');
    expect(canonicalAddress('whatsapp', '442079460958', 'US')).toBe('+442079460958');
  });

  it.each([
    ['4155550123', '+14155550123', 'a national number'],
    ['14155550123', '+14155550123', 'the country code without a plus, as the WhatsApp Cloud API writes it'],
    ['+14155550123', '+14155550123', 'E.164'],
    ['(415) 555-0123', '+14155550123', 'a national number as a person types it'],
    ['6591234567', '+6591234567', 'a Singapore sender: no valid US number, a valid international one'],
    ['442079460958', '+442079460958', 'a London number with its country code'],
    ['5555550123', '+15555550123', 'no valid number either way: the possible national one'],
  ])('with default country US reads %s as %s (%s)', (address, expected) => {
    expect(canonicalAddress('whatsapp', address, 'US')).toBe(expected);
    expect(canonicalAddress('sms', address, 'US')).toBe(expected);
  });

  it('with a default country, still refuses what no country can have', () => {
    expect(canonicalAddress('whatsapp', '12', 'US')).toBeUndefined();
    expect(canonicalAddress('whatsapp', '415 555 0123 4567 8901', 'US')).toBeUndefined();
    expect(canonicalAddress('whatsapp', 'hello', 'US')).toBeUndefined();
  });

  it('refuses what is not a phone number', () => {
    for (const address of ['hello', '', '+', '12', '+1 415 555 0123 ext', 'whatsapp:', '+0123456789']) {
      expect(canonicalAddress('whatsapp', address)).toBeUndefined();
    }
  });

  it('reads an e-mail address with its domain in lower case and its local part as sent', () => {
    expect(canonicalAddress('email', 'Ada@Example.COM')).toBe('Ada@example.com');
    expect(canonicalAddress('email', 'ada@example.com')).toBe('ada@example.com');
    // the domain is what follows the last `@` (a quoted local part may hold one)
    expect(canonicalAddress('email', '"a@B"@Mail.Example')).toBe('"a@B"@mail.example');
    expect(canonicalAddress('email', 'no-domain')).toBe('no-domain');
  });

  it('keeps the address of any other channel as sent', () => {
    expect(canonicalAddress('telegram', 'AdaLovelace')).toBe('AdaLovelace');
    expect(canonicalAddress('instagram', 'ada.lovelace')).toBe('ada.lovelace');
  });

  it('is what a command carries, however its producer spelled the identity', () => {
    const command = parseCommand(
      aContactCommand({
        payload: {
          identities: [
            { channel: 'whatsapp', address: '+1 415-555-0177' },
            { channel: 'telegram', address: 'Ada' },
          ],
        },
      }),
    );
    expect(command.type === 'contact.create' && command.payload.identities).toEqual([
      { channel: 'whatsapp', address: '+14155550177' },
      { channel: 'telegram', address: 'Ada' },
    ]);
    expect(() =>
      parseCommand(
        aContactCommand({ payload: { identities: [{ channel: 'sms', address: '(415) 555-0177' }] } }),
      ),
    ).toThrow(/address must be a phone number with its country code/);
  });
});

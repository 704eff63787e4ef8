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

  it('refuses what is not a phone number', () => {
    for (const address of ['hello', '', '+', '12', '+1 415 555 0123 ext', 'whatsapp:', '+0123456789']) {
      expect(canonicalAddress('whatsapp', address)).toBeUndefined();
    }
  });

  it('keeps the address of any other channel as sent', () => {
    expect(canonicalAddress('telegram', 'AdaLovelace')).toBe('AdaLovelace');
    expect(canonicalAddress('email', 'Ada@Example.COM')).toBe('Ada@Example.COM');
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

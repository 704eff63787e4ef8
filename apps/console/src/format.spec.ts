import { channelName, isKnownChannel } from './format';

describe('channelName', () => {
  it('names the channels the console knows, and shows any other as it is spelled', () => {
    expect(['whatsapp', 'sms', 'telegram', 'instagram', 'email', 'voice'].map(channelName)).toEqual([
      'WhatsApp',
      'SMS',
      'Telegram',
      'Instagram',
      'Email',
      'Voice',
    ]);
    expect(channelName('line')).toBe('line');
    expect(channelName('toString')).toBe('toString');
    expect(channelName(' ')).toBe('unknown channel');
    expect(isKnownChannel('telegram')).toBe(true);
    expect(isKnownChannel('constructor')).toBe(false);
  });
});

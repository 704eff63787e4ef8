import { signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec-test';
  const body = Buffer.from('{"messageId":"m-1"}');
  const now = 1_800_000_000;

  it('accepts a signature over the exact body within the window', () => {
    expect(verifyWebhookSignature(signWebhook(secret, now - 10, body), secret, body, now, 300)).toBe('valid');
  });

  it('refuses a body changed after signing', () => {
    const header = signWebhook(secret, now, body);
    expect(verifyWebhookSignature(header, secret, Buffer.from('{"messageId":"m-2"}'), now, 300)).toBe(
      'mismatch',
    );
  });

  it('refuses another secret', () => {
    expect(verifyWebhookSignature(signWebhook('other', now, body), secret, body, now, 300)).toBe('mismatch');
  });

  it('refuses a replay outside the window, in the past or the future', () => {
    expect(verifyWebhookSignature(signWebhook(secret, now - 301, body), secret, body, now, 300)).toBe(
      'expired',
    );
    expect(verifyWebhookSignature(signWebhook(secret, now + 301, body), secret, body, now, 300)).toBe(
      'expired',
    );
  });

  it.each([
    ['missing', undefined],
    ['malformed', 'sha256=abc'],
    ['malformed', `t=soon,v1=${'a'.repeat(64)}`],
    ['malformed', `t=${now},v1=${'z'.repeat(64)}`],
    ['malformed', [signWebhook(secret, now, body), signWebhook(secret, now, body)]],
  ])('reports a %s header', (expected, header) => {
    expect(verifyWebhookSignature(header, secret, body, now, 300)).toBe(expected);
  });
});

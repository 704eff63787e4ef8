import { createHmac } from 'node:crypto';
import { metaTextMessageSample } from '@switchboard/testing';
import { isWhatsappVerification, signWhatsappWebhook, verifyWhatsappSignature } from './whatsapp-signature';

describe('WhatsApp Cloud API signatures', () => {
  const appSecret = 'meta-app-secret-0123456789abcdef';
  const body = Buffer.from(JSON.stringify(metaTextMessageSample()));

  it('signs as Meta does: sha256= and the hex HMAC-SHA256 of the raw body with the app secret', () => {
    expect(signWhatsappWebhook(appSecret, body)).toBe(
      `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
    );
  });

  it('matches a signature computed apart from our code (openssl dgst -sha256 -hmac)', () => {
    // printf '%s' "$body" | openssl dgst -sha256 -hmac 'meta-app-secret-0123456789abcdef'
    const knownBody =
      '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","messages":[{"from":"16315551181","id":"wamid.ABGGFlA5Fpa","timestamp":"1504902988","type":"text","text":{"body":"this is a text message"}}]}}]}]}';
    const knownSignature = 'sha256=2592d14b5586b8e9ffdd5cdcb10cf54a1453b465626e14bd7856bcb107d071d6';
    expect(signWhatsappWebhook(appSecret, knownBody)).toBe(knownSignature);
    expect(verifyWhatsappSignature(knownSignature, appSecret, Buffer.from(knownBody))).toBe('valid');
  });

  it('accepts the signature of the exact body, in either case of hex', () => {
    const header = signWhatsappWebhook(appSecret, body);
    expect(verifyWhatsappSignature(header, appSecret, body)).toBe('valid');
    expect(verifyWhatsappSignature(header.toUpperCase().replace('SHA256=', 'sha256='), appSecret, body)).toBe(
      'valid',
    );
  });

  it('refuses a body changed after signing, or another app secret', () => {
    const header = signWhatsappWebhook(appSecret, body);
    const changed = Buffer.from(body.toString().replace('this is', 'that was'));
    expect(verifyWhatsappSignature(header, appSecret, changed)).toBe('mismatch');
    expect(verifyWhatsappSignature(signWhatsappWebhook('another-secret', body), appSecret, body)).toBe(
      'mismatch',
    );
  });

  it.each([
    ['missing', undefined],
    ['missing', ''],
    ['malformed', 'sha1=abc'],
    ['malformed', `sha256=${'z'.repeat(64)}`],
    ['malformed', `sha256=${'a'.repeat(63)}`],
    ['malformed', 'a'.repeat(64)],
    ['malformed', [signWhatsappWebhook(appSecret, body), signWhatsappWebhook(appSecret, body)]],
  ])('reports a %s header', (expected, header) => {
    expect(verifyWhatsappSignature(header, appSecret, body)).toBe(expected);
  });
});

describe('WhatsApp Cloud API webhook verification', () => {
  const verifyToken = 'my-verify-token';

  it('is the subscription of the tenant, with its verify token and a challenge to echo', () => {
    expect(
      isWhatsappVerification({ mode: 'subscribe', verifyToken, challenge: '1158201444' }, verifyToken),
    ).toBe(true);
  });

  it.each([
    ['another verify token', { mode: 'subscribe', verifyToken: 'guess', challenge: '1' }],
    ['another mode', { mode: 'unsubscribe', verifyToken, challenge: '1' }],
    ['no mode', { mode: undefined, verifyToken, challenge: '1' }],
    ['no verify token', { mode: 'subscribe', verifyToken: undefined, challenge: '1' }],
    [
      'a repeated verify token',
      { mode: 'subscribe', verifyToken: [verifyToken, verifyToken], challenge: '1' },
    ],
    ['no challenge', { mode: 'subscribe', verifyToken, challenge: undefined }],
    ['a challenge with markup', { mode: 'subscribe', verifyToken, challenge: '<script> x' }],
  ])('is not, with %s', (_case, query) => {
    expect(isWhatsappVerification(query, verifyToken)).toBe(false);
  });
});

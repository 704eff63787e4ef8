import { twilioSignatureExample } from '@switchboard/testing';
import { signTwilioWebhook, urlSpellings, verifyTwilioSignature } from './twilio-signature';

describe('Twilio signatures', () => {
  const { authToken, url, params, signature } = twilioSignatureExample;
  const entries = () => Object.entries(params);

  it("computes Twilio's documented example signature", () => {
    expect(signTwilioWebhook(authToken, url, entries())).toBe(signature);
  });

  it("accepts the documented example's signature, whatever order the parameters came in", () => {
    expect(verifyTwilioSignature(signature, authToken, url, entries().reverse())).toBe('valid');
  });

  it('refuses another auth token, another URL, or a changed or added parameter', () => {
    expect(verifyTwilioSignature(signature, 'another-token', url, entries())).toBe('mismatch');
    expect(verifyTwilioSignature(signature, authToken, `${url}&baz=3`, entries())).toBe('mismatch');
    const changed = { ...params, Digits: '4321' };
    expect(verifyTwilioSignature(signature, authToken, url, Object.entries(changed))).toBe('mismatch');
    expect(verifyTwilioSignature(signature, authToken, url, [...entries(), ['Body', 'hi']])).toBe('mismatch');
  });

  it('signs repeated parameter names with their values in order, as Twilio sorts them', () => {
    const one = signTwilioWebhook(authToken, url, [
      ['MediaUrl', 'b'],
      ['MediaUrl', 'a'],
    ]);
    expect(one).toBe(
      signTwilioWebhook(authToken, url, [
        ['MediaUrl', 'a'],
        ['MediaUrl', 'b'],
      ]),
    );
  });

  it('accepts a URL signed with or without its default port', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    const signedWithPort = signTwilioWebhook(authToken, withPort, entries());
    expect(verifyTwilioSignature(signedWithPort, authToken, url, entries())).toBe('valid');
    expect(verifyTwilioSignature(signature, authToken, withPort, entries())).toBe('valid');
    expect(urlSpellings('http://host:8080/x')).toEqual(['http://host:8080/x']);
    expect(urlSpellings('http://host/x')).toEqual(['http://host/x', 'http://host:80/x']);
  });

  it.each([
    ['missing', undefined],
    ['missing', ''],
    ['malformed', 'not base64 at all'],
    ['malformed', 'AAAA'],
    ['malformed', [signature, signature]],
  ])('reports a %s header', (expected, header) => {
    expect(verifyTwilioSignature(header, authToken, url, entries())).toBe(expected);
  });
});

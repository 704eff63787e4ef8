import { redactQuerySecrets, redactUrlSecrets } from './log-redaction';

describe('secrets in logged URLs', () => {
  it("replaces a webhook's verify token, and leaves the other parameters as they were", () => {
    expect(
      redactUrlSecrets(
        '/v1/inbound/acme/whatsapp?hub.mode=subscribe&hub.verify_token=s3cr3t&hub.challenge=42',
      ),
    ).toBe('/v1/inbound/acme/whatsapp?hub.mode=subscribe&hub.verify_token=[Redacted]&hub.challenge=42');
    expect(redactQuerySecrets({ 'hub.verify_token': 's3cr3t', 'hub.mode': 'subscribe' })).toEqual({
      'hub.verify_token': '[Redacted]',
      'hub.mode': 'subscribe',
    });
  });

  it('finds a secret parameter however its name is encoded', () => {
    expect(redactUrlSecrets('/x?hub%2Everify%5Ftoken=s3cr3t&access_TOKEN=t&a=1')).toBe(
      '/x?hub%2Everify%5Ftoken=[Redacted]&access_TOKEN=[Redacted]&a=1',
    );
  });

  it('leaves URLs without a query alone', () => {
    expect(redactUrlSecrets('/v1/contacts/c_1')).toBe('/v1/contacts/c_1');
    expect(redactUrlSecrets(undefined)).toBeUndefined();
  });
});

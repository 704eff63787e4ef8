import { fieldUpdates } from './field-updates';

describe('fieldUpdates', () => {
  it('writes a renamed key of an embedded document as one unset and one set path', () => {
    expect(fieldUpdates({ attributes: { plan: 'free' } }, { attributes: { nick: 'free' } })).toEqual({
      $set: { 'attributes.nick': 'free' },
      $unset: { 'attributes.plan': 1 },
    });
  });

  it('writes only the keys whose values changed, at any depth', () => {
    const current = { block: { blocked: true, by: 'ada', window: { from: 1, to: 2 } }, name: 'Ada' };
    const changes = { block: { blocked: true, by: 'grace', window: { from: 1, to: 3 } }, name: 'Ada' };
    expect(fieldUpdates(current, changes)).toEqual({
      $set: { 'block.by': 'grace', 'block.window.to': 3 },
      $unset: {},
    });
  });

  it('walks arrays of the same length element by element, and sets an array of another length whole', () => {
    const identities = [{ channel: 'sms', address: '+1' }];
    expect(fieldUpdates({ identities }, { identities: [{ channel: 'sms', handle: '+1' }] })).toEqual({
      $set: { 'identities.0.handle': '+1' },
      $unset: { 'identities.0.address': 1 },
    });
    const two = [...identities, { channel: 'email', address: 'a@b.c' }];
    expect(fieldUpdates({ identities }, { identities: two })).toEqual({
      $set: { identities: two },
      $unset: {},
    });
  });

  it('clears a field changed to undefined, and sets a field the document did not have', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(fieldUpdates({ email: 'a@b.c' }, { email: undefined, phone: '+1', blockedAt: at })).toEqual({
      $set: { phone: '+1', blockedAt: at },
      $unset: { email: 1 },
    });
  });

  it('writes nothing for values equal to the stored ones, dates included', () => {
    const current = { attributes: { plan: 'pro' }, blockedAt: new Date(5), tags: ['vip'] };
    const changes = { attributes: { plan: 'pro' }, blockedAt: new Date(5), tags: ['vip'] };
    expect(fieldUpdates(current, changes)).toEqual({ $set: {}, $unset: {} });
  });

  it('refuses a key that is not a plain name rather than write another path', () => {
    expect(() => fieldUpdates({ attributes: {} }, { attributes: { 'a.b': 1 } })).toThrow(/plain name/);
    expect(() => fieldUpdates({ attributes: {} }, { attributes: { $where: 1 } })).toThrow(/plain name/);
  });
});

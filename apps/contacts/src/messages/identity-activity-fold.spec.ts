import { foldActivity, type ActivityChange, type CountedMessage } from './identity-activity-fold';
import type { IdentityActivity } from './identity-activity.schema';
import { contactActivityOf } from './contact-activity';

const at = (iso: string) => new Date(iso);

function counted(
  offset: number,
  sentAt: string,
  status: 'accepted' | 'blocked' = 'accepted',
): CountedMessage {
  return {
    offset,
    sentAt: at(sentAt),
    view: { messageId: `m${offset}`, channel: 'sms', from: '+1', type: 'text', content: {}, sentAt, status },
  };
}

function change(messages: CountedMessage[], throughOffset: number): ActivityChange {
  return {
    _id: 't|sms|+1|accepted',
    tenantId: 't',
    contactId: 'c_1',
    status: 'accepted',
    counted: messages,
    partition: 'messages.accepted/0',
    throughOffset,
  };
}

describe('foldActivity', () => {
  it('starts a document from its first messages, the newest sent as the last one', () => {
    const next = foldActivity(
      undefined,
      change([counted(3, '2026-01-02T00:00:00Z'), counted(4, '2026-01-01T00:00:00Z')], 5),
    );
    expect(next).toMatchObject({
      count: 2,
      firstSeenAt: at('2026-01-01T00:00:00Z'),
      lastMessageAt: at('2026-01-02T00:00:00Z'),
      lastMessage: { messageId: 'm3' },
      appliedAt: 'messages.accepted/0',
      appliedOffset: 5,
    });
  });

  it('adds to a stored document and widens its times; a late message is not the last one', () => {
    const current = foldActivity(undefined, change([counted(1, '2026-01-05T00:00:00Z')], 1))!;
    const next = foldActivity(
      current,
      change([counted(2, '2026-01-03T00:00:00Z'), counted(3, '2026-01-06T00:00:00Z')], 3),
    );
    expect(next).toMatchObject({
      count: 3,
      firstSeenAt: at('2026-01-03T00:00:00Z'),
      lastMessageAt: at('2026-01-06T00:00:00Z'),
      lastMessage: { messageId: 'm3' },
      appliedOffset: 3,
    });
  });

  it('writes nothing for a change that counts nothing', () => {
    const current = foldActivity(undefined, change([counted(1, '2026-01-05T00:00:00Z')], 1))!;
    expect(foldActivity(current, change([], 9))).toBeUndefined();
  });
});

describe('contactActivityOf', () => {
  const doc = (
    status: 'accepted' | 'blocked',
    count: number,
    first: string,
    last: string,
  ): IdentityActivity => ({
    ...foldActivity(undefined, { ...change([counted(1, last, status)], 1), status })!,
    count,
    firstSeenAt: at(first),
  });

  it('sums counters over identities and keeps the widest times', () => {
    const activity = contactActivityOf([
      doc('accepted', 3, '2026-01-02T00:00:00Z', '2026-01-04T00:00:00Z'),
      doc('blocked', 2, '2026-01-01T00:00:00Z', '2026-01-09T00:00:00Z'),
    ]);
    expect(activity).toMatchObject({
      counters: { accepted: 3, blocked: 2 },
      firstSeenAt: at('2026-01-01T00:00:00Z'),
      lastMessageAt: at('2026-01-09T00:00:00Z'),
    });
    // The preview is the newest delivered message, though a dropped one came later.
    expect(activity?.lastMessage.status).toBe('accepted');
  });

  it('previews the newest dropped message when none was delivered, and is null without messages', () => {
    expect(
      contactActivityOf([doc('blocked', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')])?.lastMessage
        .status,
    ).toBe('blocked');
    expect(contactActivityOf([])).toBeNull();
  });
});

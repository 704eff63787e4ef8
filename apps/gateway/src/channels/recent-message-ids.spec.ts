import { RecentMessageIds } from './recent-message-ids';

describe('recent channel message ids', () => {
  it('claims an id once, and again after its claim is released', () => {
    const recent = new RecentMessageIds(10);
    expect(recent.claim('acme|whatsapp|wamid.1')).toBe(true);
    expect(recent.claim('acme|whatsapp|wamid.1')).toBe(false);
    recent.release('acme|whatsapp|wamid.1');
    expect(recent.claim('acme|whatsapp|wamid.1')).toBe(true);
  });

  it('forgets the oldest ids beyond its capacity, never growing past it', () => {
    const recent = new RecentMessageIds(3);
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(recent.claim(id)).toBe(true);
    }
    expect(recent.size).toBe(3);
    expect(recent.claim('a')).toBe(true); // forgotten: published again, downstream dedupes it
    expect(recent.claim('d')).toBe(false);
  });

  it('remembers nothing with a capacity of zero', () => {
    const recent = new RecentMessageIds(0);
    expect(recent.claim('a')).toBe(true);
    expect(recent.claim('a')).toBe(true);
    expect(recent.size).toBe(0);
  });
});

import { TAGS_PER_CONTACT_MAX } from '@switchboard/contracts';
import { aStoredContact } from '../../../../test/support/contacts-factory';
import { decideMergeTag } from './contact-decisions';

const gold = { tagId: 't_gold', name: 'Gold' };
const tagged = (...tags: { tagId: string; name: string }[]) =>
  aStoredContact({ tags: tags.map((tag) => tag.name), tagIds: tags.map((tag) => tag.tagId) });
const vip = { tagId: 't_vip', name: 'vip' };
const loyal = { tagId: 't_loyal', name: 'Loyal' };

describe('merging a catalog tag into another on one contact', () => {
  it('puts the target, with its catalog spelling, in the merged tag’s place', () => {
    expect(
      decideMergeTag(tagged(vip, loyal, { tagId: 't_x', name: 'later' }), 'c_ada', 't_loyal', gold),
    ).toEqual({
      kind: 'apply',
      eventType: 'ContactUpdated',
      changed: true,
      changes: { tags: ['vip', 'Gold', 'later'], tagIds: ['t_vip', 't_gold', 't_x'] },
    });
  });

  it('only removes the merged tag from a contact that already carries the target', () => {
    expect(decideMergeTag(tagged(gold, vip, loyal), 'c_ada', 't_loyal', gold)).toMatchObject({
      changed: true,
      changes: { tags: ['Gold', 'vip'], tagIds: ['t_gold', 't_vip'] },
    });
  });

  it('changes nothing on a contact without the merged tag (a step repeated after a crash)', () => {
    expect(decideMergeTag(tagged(gold, vip), 'c_ada', 't_loyal', gold)).toEqual({
      kind: 'apply',
      eventType: 'ContactUpdated',
      changed: false,
      changes: {},
    });
  });

  it('never takes a contact at the tag limit over it', () => {
    const full = Array.from({ length: TAGS_PER_CONTACT_MAX }, (_, index) => ({
      tagId: `t_${index}`,
      name: `tag ${index}`,
    }));
    const decision = decideMergeTag(tagged(...full), 'c_ada', 't_7', gold);
    expect(decision).toMatchObject({ kind: 'apply', changed: true });
    expect(decision.kind === 'apply' && decision.changes.tagIds).toHaveLength(TAGS_PER_CONTACT_MAX);
  });

  it('refuses a contact that does not exist', () => {
    expect(decideMergeTag(null, 'c_gone', 't_loyal', gold)).toMatchObject({
      kind: 'rejected',
      code: 'contact-not-found',
    });
  });
});

import { ContractViolationError } from '../validation';
import {
  parseCommand,
  SUBJECT_PATTERN,
  tenantCommandEntityId,
  tenantCommandSubject,
} from './contact-command';

describe('tenant command subjects', () => {
  it('keys every catalog command of a tenant alike, so tag names are decided in order', () => {
    expect(tenantCommandSubject({ type: 'tag.create', payload: { tagId: 't_1', name: 'vip' } })).toBe('tags');
    expect(tenantCommandSubject({ type: 'tag.update', payload: { tagId: 't_1', name: 'VIP' } })).toBe('tags');
    expect(tenantCommandSubject({ type: 'tag.delete', payload: { tagId: 't_1' } })).toBe('tags');
    expect(tenantCommandSubject({ type: 'tag.merge', payload: { tagId: 't_1', into: 't_2' } })).toBe('tags');
  });

  it('keys every segment command of a tenant alike', () => {
    expect(
      tenantCommandSubject({
        type: 'segment.save',
        payload: { segmentId: 's_1', name: 'regulars', definition: { all: ['regular'] } },
      }),
    ).toBe('segments');
    expect(tenantCommandSubject({ type: 'segment.delete', payload: { segmentId: 's_1' } })).toBe('segments');
  });

  it('makes a bulk job and a campaign their own subjects, in the shape the envelope requires', () => {
    const job = tenantCommandSubject({
      type: 'bulk.tag',
      payload: { jobId: 'j_abc-1', action: 'add', tags: ['vip'], segmentId: 's_1' },
    });
    const campaign = tenantCommandSubject({
      type: 'campaign.create',
      payload: { campaignId: 'c_abc-1', name: 'Spring', message: { text: 'Hello' }, segmentId: 's_1' },
    });
    expect(job).toBe('job:j_abc-1');
    expect(campaign).toBe('campaign:c_abc-1');
    expect(job).toMatch(SUBJECT_PATTERN);
    expect(campaign).toMatch(SUBJECT_PATTERN);
  });

  it('keys settings commands of a tenant alike, and makes a bulk block job its own subject', () => {
    const policy = {
      type: 'settings.block-policy',
      payload: { whoMayBlock: 'admins', reasonRequired: true },
    } as const;
    expect(tenantCommandSubject(policy)).toBe('settings');
    expect(tenantCommandEntityId(policy)).toBe('block-policy');
    const job = tenantCommandSubject({
      type: 'bulk.block',
      payload: { jobId: 'j_blk-1', action: 'block', durationSeconds: 600, contactIds: ['c_1'] },
    });
    expect(job).toBe('job:j_blk-1');
    expect('settings').toMatch(SUBJECT_PATTERN);
  });

  it('keys channel credentials with the other settings, each platform its own retry identity', () => {
    const whatsapp = {
      type: 'settings.whatsapp-credentials',
      payload: { sealed: 'v1.sealed-by-gateway' },
    } as const;
    const twilio = {
      type: 'settings.twilio-credentials',
      payload: { sealed: 'v1.sealed-by-gateway' },
    } as const;
    expect([tenantCommandSubject(whatsapp), tenantCommandSubject(twilio)]).toEqual(['settings', 'settings']);
    expect([tenantCommandEntityId(whatsapp), tenantCommandEntityId(twilio)]).toEqual([
      'whatsapp-credentials',
      'twilio-credentials',
    ]);
  });

  it('tells apart commands that share a subject by the tag or segment they name', () => {
    expect(tenantCommandEntityId({ type: 'tag.update', payload: { tagId: 't_a', name: 'VIP' } })).toBe('t_a');
    expect(tenantCommandEntityId({ type: 'tag.delete', payload: { tagId: 't_b' } })).toBe('t_b');
    expect(tenantCommandEntityId({ type: 'segment.delete', payload: { segmentId: 's_a' } })).toBe('s_a');
  });
});

describe('parsing a tenant command', () => {
  const command = (subject: string) => ({
    commandId: '9b2f1c3e-4d5a-4b6c-8d7e-0f1a2b3c4d5e',
    tenantId: 'acme',
    subject,
    actor: { id: 'admin-1', kind: 'agent', role: 'admin' },
    issuedAt: '2026-11-25T10:00:00.000Z',
    type: 'tag.delete',
    version: 1,
    payload: { tagId: 't_1' },
  });

  it('accepts the subject its type and payload imply', () => {
    expect(parseCommand(command('tags'))).toMatchObject({ type: 'tag.delete', subject: 'tags' });
  });

  it('refuses another subject: it would be keyed, and so ordered, wrongly', () => {
    expect(() => parseCommand(command('segments'))).toThrow(ContractViolationError);
    expect(() => parseCommand({ ...command('tags'), subject: undefined })).toThrow(ContractViolationError);
    expect(() => parseCommand({ ...command('tags'), contactId: 'c_1' })).toThrow(ContractViolationError);
  });
});

import {
  CAMPAIGN_ID_PATTERN,
  JOB_ID_PATTERN,
  SEGMENT_ID_PATTERN,
  TAG_ID_PATTERN,
} from '@switchboard/contracts';
import { aTenantId } from '@switchboard/testing';
import type { Principal } from '../auth/principal';
import { mintId } from './minted-ids';

describe('minted ids', () => {
  const principal: Principal = { tenantId: aTenantId(), actorId: 'agent-1', role: 'admin' };

  it('gives each kind the shape its contract expects', () => {
    expect(mintId('tag', principal)).toMatch(TAG_ID_PATTERN);
    expect(mintId('job', principal)).toMatch(JOB_ID_PATTERN);
    expect(mintId('segment', principal, 'key-1')).toMatch(SEGMENT_ID_PATTERN);
    expect(mintId('campaign', principal, 'key-1')).toMatch(CAMPAIGN_ID_PATTERN);
  });

  it('names the same thing again for a call retried with the same idempotency key', () => {
    expect(mintId('job', principal, 'key-1')).toBe(mintId('job', principal, 'key-1'));
  });

  it('names new things without a key, for another caller, or for another kind', () => {
    expect(mintId('job', principal)).not.toBe(mintId('job', principal));
    expect(mintId('job', principal, 'key-1')).not.toBe(
      mintId('job', { ...principal, actorId: 'agent-2' }, 'key-1'),
    );
    expect(mintId('job', principal, 'key-1').slice(2)).not.toBe(
      mintId('campaign', principal, 'key-1').slice(2),
    );
  });
});

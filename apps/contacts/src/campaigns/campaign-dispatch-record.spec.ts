import { v5 as uuidv5 } from 'uuid';
import { validateContract, CampaignDispatch } from '@switchboard/contracts';
import { DispatchRecordWriter } from './campaign-dispatch-record';

describe('DispatchRecordWriter', () => {
  it('writes the record JSON.stringify would, a valid CampaignDispatch with the same dispatch id every time', () => {
    const campaign = {
      tenantId: 'acme',
      campaignId: 'c_spring',
      message: { text: 'Hello "friend" \\ \u2028 Zoë' },
    };
    const writer = new DispatchRecordWriter(campaign, '2026-12-08T04:00:00.000Z');
    const identities = [
      { channel: 'whatsapp', address: '+14155550101' },
      { channel: 'email', address: 'ada@example.com' },
    ];
    const written = writer.valueOf('c_ada', identities);
    const expected: CampaignDispatch = {
      dispatchId: uuidv5('acme\nc_spring\nc_ada', '8c1d0f3e-54a7-4b8e-9d6a-2f1e7b3c5a90'),
      campaignId: 'c_spring',
      tenantId: 'acme',
      contactId: 'c_ada',
      identities,
      message: campaign.message,
      createdAt: '2026-12-08T04:00:00.000Z',
    };
    expect(written).toBe(JSON.stringify(expected));
    expect(() => validateContract(CampaignDispatch, JSON.parse(written))).not.toThrow();
    expect(writer.valueOf('c_ada', identities)).toBe(written);
  });
});

import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import type { CampaignMessage, Identity } from '@switchboard/contracts';

/** Namespace of dispatch ids (UUIDv5 of tenant, campaign and contact), parsed once. */
const DISPATCH_NAMESPACE = parseUuid('8c1d0f3e-54a7-4b8e-9d6a-2f1e7b3c5a90');

/**
 * The JSON of a campaign's dispatch records, the fields every recipient shares written once: a
 * campaign to a million contacts builds a million of them, and `JSON.stringify` of each whole
 * record took about as long as kafkajs took to send it.
 */
export class DispatchRecordWriter {
  private readonly campaignFields: string;
  private readonly messageFields: string;

  constructor(
    private readonly campaign: { tenantId: string; campaignId: string; message: CampaignMessage },
    createdAt: string,
  ) {
    const { tenantId, campaignId, message } = campaign;
    this.campaignFields = `"campaignId":${JSON.stringify(campaignId)},"tenantId":${JSON.stringify(tenantId)}`;
    this.messageFields = `"message":${JSON.stringify(message)},"createdAt":${JSON.stringify(createdAt)}`;
  }

  /** A recipient's `CampaignDispatch` as JSON, its fields in the contract's order. */
  valueOf(contactId: string, identities: Identity[]): string {
    const { tenantId, campaignId } = this.campaign;
    const dispatchId = uuidv5(`${tenantId}\n${campaignId}\n${contactId}`, DISPATCH_NAMESPACE);
    return `{"dispatchId":"${dispatchId}",${this.campaignFields},"contactId":${JSON.stringify(contactId)},"identities":${JSON.stringify(identities)},${this.messageFields}}`;
  }
}

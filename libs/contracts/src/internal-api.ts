/** Header that carries the shared secret on our services' internal HTTP endpoints. */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

/** Paths of the contacts service's internal query API, used by the gateway. */
export const InternalRoutes = {
  contacts: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/contacts`,
  contactPart: (tenantId: string, contactId: string, part: 'details' | 'notes' | 'activity' | 'messages') =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/contacts/${encodeURIComponent(contactId)}/${part}`,
  noteHistory: (tenantId: string, contactId: string, noteId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/contacts/${encodeURIComponent(contactId)}/notes/${encodeURIComponent(noteId)}/history`,
  tags: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/tags`,
  tag: (tenantId: string, tagId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/tags/${encodeURIComponent(tagId)}`,
  segments: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/segments`,
  segment: (tenantId: string, segmentId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/segments/${encodeURIComponent(segmentId)}`,
  /** POST a `SegmentDefinition`: its `SegmentPreview`. */
  segmentPreview: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/segment-preview`,
  savedSegmentPreview: (tenantId: string, segmentId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/segments/${encodeURIComponent(segmentId)}/preview`,
  job: (tenantId: string, jobId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/jobs/${encodeURIComponent(jobId)}`,
  campaigns: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/campaigns`,
  campaign: (tenantId: string, campaignId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/campaigns/${encodeURIComponent(campaignId)}`,
  /** The inbox: contacts with recent conversations, newest last message first. */
  conversations: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/conversations`,
  blockPolicy: (tenantId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/settings/block-policy`,
  /** GET: the tenant's `PhoneNumberSettingsView`. */
  phoneNumberSettings: (tenantId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/settings/phone-numbers`,
  /** GET: the `ChannelCredentialsView` of every platform (never a credential). */
  channelCredentials: (tenantId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/settings/channel-credentials`,
  /** GET: the tenant's `SealedChannelCredentials`, for the gateway to verify channel webhooks; only there. */
  channelSecrets: (tenantId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/settings/channel-credentials/secrets`,
  /** GET: a `CommandStatusView`, or `404 {code: 'command-not-found'}` for a command nobody accepted. */
  commandOutcome: (tenantId: string, commandId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/commands/${encodeURIComponent(commandId)}`,
  /** POST (no body): the gateway answered `202` for the command, so it reads `pending` until it ends. */
  acceptedCommand: (tenantId: string, commandId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/commands/${encodeURIComponent(commandId)}/accepted`,
};

/** A page of a contact listing; `nextCursor` is absent on the last page. */
export interface ContactPage<T> {
  items: T[];
  nextCursor?: string;
}

/** Header that carries the shared secret on our services' internal HTTP endpoints. */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

/** Paths of the contacts service's internal query API, used by the gateway. */
export const InternalRoutes = {
  contacts: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/contacts`,
  contactPart: (tenantId: string, contactId: string, part: 'details' | 'notes' | 'activity' | 'messages') =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/contacts/${encodeURIComponent(contactId)}/${part}`,
  tags: (tenantId: string) => `/internal/tenants/${encodeURIComponent(tenantId)}/tags`,
  commandOutcome: (tenantId: string, commandId: string) =>
    `/internal/tenants/${encodeURIComponent(tenantId)}/commands/${encodeURIComponent(commandId)}`,
};

/** What `GET /internal/.../commands/{id}` returns. */
export interface CommandStatusView {
  commandId: string;
  status: 'pending' | 'applied' | 'rejected';
  /** The event the command ended in, when it has ended. */
  event?: unknown;
}

/** A page of a contact listing; `nextCursor` is absent on the last page. */
export interface ContactPage<T> {
  items: T[];
  nextCursor?: string;
}

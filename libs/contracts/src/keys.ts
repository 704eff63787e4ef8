/** Kafka key of everything about one contact: all its commands and events share a partition. */
export function contactKey(tenantId: string, contactId: string): string {
  return `${tenantId}:${contactId}`;
}

/** Kafka key of one channel identity (blocklist and message topics). */
export function identityKey(tenantId: string, channel: string, address: string): string {
  return `${tenantId}|${channel}|${address}`;
}

/** The unique key of a name: names are unique per tenant regardless of case and outer spaces. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * The key a deleted tag or segment keeps: unique, and never a live name's key (those are
 * trimmed), so the name is free again while the document stays for redelivered commands.
 */
export function releasedNameKey(id: string): string {
  return ` deleted ${id}`;
}

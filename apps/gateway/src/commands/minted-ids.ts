import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Principal } from '../auth/principal';

/** Namespace of ids derived from idempotency keys (UUIDv5). */
const MINTED_ID_NAMESPACE = 'd4d11003-e046-42c2-bb87-38c3e8bbc1f7';

/** The prefix of each kind of id the gateway mints, as the contracts' id patterns expect. */
const prefixes = { tag: 't', job: 'j', segment: 's', campaign: 'c' } as const;

export type MintedIdKind = keyof typeof prefixes;

/**
 * A new id for something a call creates. With an idempotency key a retried call must name
 * the same thing: for a bulk job or a campaign the id is part of the command's subject, and
 * so of its command id, which is what makes the retry apply once.
 */
export function mintId(kind: MintedIdKind, principal: Principal, idempotencyKey?: string): string {
  const unique = idempotencyKey
    ? uuidv5(`${principal.tenantId}\n${principal.actorId}\n${kind}\n${idempotencyKey}`, MINTED_ID_NAMESPACE)
    : randomUUID();
  return `${prefixes[kind]}_${unique}`;
}

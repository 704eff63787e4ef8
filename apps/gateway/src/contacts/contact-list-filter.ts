import type { SegmentDefinition } from '@switchboard/contracts';
import type { ListContactsQuery } from './contact-requests';

/**
 * How the contacts service narrows a listing: to a saved segment, to an ad-hoc segment of
 * tags, or by block state alone (also with a saved segment).
 */
export type ContactListFilter =
  { segmentId: string; blocked?: boolean } | { segment: SegmentDefinition } | { blocked?: boolean };

/** The filter a validated listing query asks for. */
export function contactListFilterOf(query: ListContactsQuery): ContactListFilter {
  const blocked = query.blocked === undefined ? undefined : query.blocked === 'true';
  const state = blocked === undefined ? {} : { blocked };
  if (query.segmentId !== undefined) {
    return { segmentId: query.segmentId, ...state };
  }
  const { all, any, none } = query;
  if (all === undefined && any === undefined && none === undefined) {
    return state;
  }
  return {
    segment: {
      ...(all && { all }),
      ...(any && { any }),
      ...(none && { none }),
      ...state,
    },
  };
}

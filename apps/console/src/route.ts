export type Route = { page: 'inbox'; contactId?: string } | { page: 'segments' };

/**
 * `#/inbox`, `#/inbox/<contactId>`, `#/segments`. Anything else, including a contact id that
 * is not valid percent-encoding (`#/inbox/%E0`, from a mangled link), is the inbox.
 */
export function routeOf(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'segments') {
    return { page: 'segments' };
  }
  if (!id) {
    return { page: 'inbox' };
  }
  try {
    return { page: 'inbox', contactId: decodeURIComponent(id) };
  } catch {
    return { page: 'inbox' };
  }
}

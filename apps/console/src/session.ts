/** Who the pasted token says the agent is (shown only; the gateway verifies every call). */
export interface Session {
  token: string;
  tenantId: string;
  actorId: string;
  role: string;
}

const STORAGE_KEY = 'switchboard.console.token';

/** The claims of a JWT, unverified; undefined for anything that is not a readable JWT. */
export function sessionOf(token: string): Session | undefined {
  const payload = token.trim().split('.')[1];
  if (!payload) {
    return undefined;
  }
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    const tenantId = claims.tenant;
    const actorId = claims.sub;
    const role = claims.role;
    if (typeof tenantId !== 'string' || typeof actorId !== 'string' || typeof role !== 'string') {
      return undefined;
    }
    return { token: token.trim(), tenantId, actorId, role };
  } catch {
    return undefined;
  }
}

/** Kept for this browser tab only: closing the tab signs out. */
export function savedSession(): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  return token ? sessionOf(token) : undefined;
}

export function saveSession(session: Session | undefined): void {
  if (session) {
    sessionStorage.setItem(STORAGE_KEY, session.token);
  } else {
    sessionStorage.removeItem(STORAGE_KEY);
  }
}

import type { Role } from '@switchboard/contracts';

/** Metadata key of the roles a handler allows. */
export const ROLES_KEY = 'switchboard:roles';
/** Roles that may change data. */
export const WRITERS: Role[] = ['admin', 'agent'];
/** Roles that may change the tenant's tag catalog and start campaigns. */
export const ADMINS: Role[] = ['admin'];
/** Every role may read. */
export const READERS: Role[] = ['admin', 'agent', 'viewer'];

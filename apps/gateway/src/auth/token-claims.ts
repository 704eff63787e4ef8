import { IsIn, Matches } from 'class-validator';
import { ACTOR_ID_PATTERN, Roles, TENANT_ID_PATTERN, type Role } from '@switchboard/contracts';

/** Claims a bearer token must carry (besides iss, aud, exp checked by the verifier). */
export class TokenClaims {
  /** The actor: an agent id or a service name. */
  @Matches(ACTOR_ID_PATTERN)
  sub: string;

  @Matches(TENANT_ID_PATTERN)
  tenant: string;

  @IsIn(Roles)
  role: Role;
}

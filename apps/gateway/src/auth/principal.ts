import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, Role } from '@switchboard/contracts';

/** Who is calling, from a verified token: the tenant always comes from here. */
export interface Principal {
  tenantId: string;
  actorId: string;
  role: Role;
  /** When the token stops being valid (its `exp`, epoch milliseconds); absent if it has none. */
  tokenExpiresAt?: number;
}

export type AuthenticatedRequest = Request & { principal: Principal };

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);

export function actorOf(principal: Principal): Actor {
  return { id: principal.actorId, kind: 'agent', role: principal.role };
}

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApiError } from '../problems/api-error';
import type { AuthenticatedRequest } from './principal';
import { ROLES_KEY } from './roles';
import { TokenClaims } from './token-claims';
import type { Role } from '@switchboard/contracts';

/**
 * Verifies `Authorization: Bearer <JWT>` (HS256 only, issuer, audience, expiry), attaches
 * the principal, and checks the handler's roles.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      throw new ApiError('unauthenticated', 'a bearer token is required');
    }
    let payload: object;
    try {
      payload = await this.jwt.verifyAsync<object>(token);
    } catch (error) {
      throw new ApiError('unauthenticated', `the bearer token is not valid: ${(error as Error).message}`);
    }
    const claims = plainToInstance(TokenClaims, payload);
    if (validateSync(claims).length > 0) {
      throw new ApiError('unauthenticated', 'the bearer token lacks a valid sub, tenant or role claim');
    }
    const exp: unknown = (payload as { exp?: unknown }).exp;
    request.principal = {
      tenantId: claims.tenant,
      actorId: claims.sub,
      role: claims.role,
      // Long-lived responses (the conversation stream) end when the token does.
      ...(typeof exp === 'number' ? { tokenExpiresAt: exp * 1_000 } : {}),
    };

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && !roles.includes(claims.role)) {
      throw new ApiError('forbidden', `this action needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}

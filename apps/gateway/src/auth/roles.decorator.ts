import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Role } from '@switchboard/contracts';
import { JwtAuthGuard } from './jwt-auth.guard';
import { ROLES_KEY } from './roles';
import { TenantRateLimitGuard } from './tenant-rate-limit.guard';

/** Requires a valid bearer token (with roles, one of them), within the tenant's rate limit. */
export function Authenticated(...roles: Role[]) {
  return applyDecorators(
    ...(roles.length > 0 ? [SetMetadata(ROLES_KEY, roles)] : []),
    UseGuards(JwtAuthGuard, TenantRateLimitGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, expired or invalid bearer token (problem+json)' }),
    ApiTooManyRequestsResponse({
      description: "Over the tenant's rate limit; see Retry-After (problem+json)",
    }),
    ...(roles.length > 0 ? [ApiForbiddenResponse({ description: `Needs role: ${roles.join(' or ')}` })] : []),
  );
}

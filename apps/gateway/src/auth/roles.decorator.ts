import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from '@switchboard/contracts';
import { JwtAuthGuard } from './jwt-auth.guard';
import { ROLES_KEY } from './roles';

/** Requires a valid bearer token; with roles, one of them. */
export function Authenticated(...roles: Role[]) {
  return applyDecorators(
    ...(roles.length > 0 ? [SetMetadata(ROLES_KEY, roles)] : []),
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, expired or invalid bearer token (problem+json)' }),
    ...(roles.length > 0 ? [ApiForbiddenResponse({ description: `Needs role: ${roles.join(' or ')}` })] : []),
  );
}

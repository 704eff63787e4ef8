import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ApiError } from '../problems/api-error';
import type { AuthenticatedRequest } from './principal';

/**
 * Limits requests per tenant (not per address: one tenant's integrations share its budget, and
 * one tenant cannot use up another's). Runs after authentication, which names the tenant.
 * Answers 429 `rate-limited` with `Retry-After` in seconds.
 */
@Injectable()
export class TenantRateLimitGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = (request as unknown as AuthenticatedRequest).principal;
    return Promise.resolve(`tenant:${principal?.tenantId ?? 'anonymous'}`);
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    { timeToBlockExpire, limit, ttl }: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = String(Math.max(1, timeToBlockExpire));
    throw new ApiError(
      'rate-limited',
      `this tenant made more than ${limit} requests in ${ttl / 1000} s; retry after ${retryAfter} s`,
      undefined,
      { 'Retry-After': retryAfter },
    );
  }
}

import { timingSafeEqual } from 'node:crypto';
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ServiceSettings } from '@switchboard/config';
import { INTERNAL_TOKEN_HEADER } from '@switchboard/contracts';

/** Lets through only callers that present the services' shared internal token. */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(settings: ServiceSettings) {
    this.expected = Buffer.from(settings.INTERNAL_API_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const presented = Buffer.from(
      String(context.switchToHttp().getRequest<Request>().headers[INTERNAL_TOKEN_HEADER] ?? ''),
    );
    if (presented.length !== this.expected.length || !timingSafeEqual(presented, this.expected)) {
      throw new UnauthorizedException({ code: 'invalid-internal-token' });
    }
    return true;
  }
}

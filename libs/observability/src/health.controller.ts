import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { ReadinessRegistry } from './readiness.registry';

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  /** The process is up and serving its event loop. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Every dependency this service needs answers (Kafka, store, loaded state). */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const checks = await this.readiness.evaluate();
    const ready = Object.values(checks).every(Boolean);
    const details = this.readiness.explain();
    // Not ready is an answer, not an error: no exception, no error log per probe.
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ok' : 'unavailable',
      checks,
      ...(Object.keys(details).length > 0 && { details }),
    };
  }
}

import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
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
  async ready() {
    const checks = await this.readiness.evaluate();
    const ready = Object.values(checks).every(Boolean);
    const body = { status: ready ? 'ok' : 'unavailable', checks };
    if (!ready) {
      throw new ServiceUnavailableException(body);
    }
    return body;
  }
}

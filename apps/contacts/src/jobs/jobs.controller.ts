import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { JobView } from '@switchboard/contracts';
import { InternalTokenGuard } from '../internal-token.guard';
import { toJobView } from './job.schema';
import { JobsRepository } from './jobs.repository';

/** Internal job status reads for the gateway, which has authorised the tenant. */
@ApiExcludeController()
@UseGuards(InternalTokenGuard)
@Controller('internal/tenants/:tenantId/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsRepository) {}

  @Get(':jobId')
  async get(@Param('tenantId') tenantId: string, @Param('jobId') jobId: string): Promise<JobView> {
    const job = await this.jobs.get(tenantId, jobId);
    if (!job) {
      throw new NotFoundException({ code: 'job-not-found' });
    }
    return toJobView(job);
  }
}

import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { JobView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { WRITERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ApiStartedResponse } from '../commands/accepted-command-responses';
import { CommandBus } from '../commands/command-bus';
import { answerCommand, pickJob } from '../commands/command-response';
import { mintId } from '../commands/minted-ids';
import { IdempotencyKey, IdempotencyKeyHeader } from '../contacts/idempotency-key';
import { ProblemResponses } from '../problems/problem-responses';
import { ResourceUrls } from '../resource-urls';
import { BulkTagRequest } from './tag-requests';

/** Tagging many contacts at once: a background job the caller follows. */
@ApiTags('tags')
@ProblemResponses()
@Controller('v1/bulk/tags')
export class BulkTagsController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Adds tags to or removes them from up to 10,000 listed contacts, or every contact of a
   * segment. Contacts already at the tag limit are skipped and counted in the job.
   */
  @Post()
  @HttpCode(202)
  @Authenticated(...WRITERS)
  @ApiHeader(IdempotencyKeyHeader)
  @ApiStartedResponse(
    JobView,
    'The job started: `Location` is where to follow it. When the outcome itself is late, the ' +
      'command status instead (`commandId`, `statusUrl`).',
  )
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body() request: BulkTagRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const jobId = mintId('job', principal, idempotencyKey);
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'bulk.tag',
      { jobId, ...request },
      idempotencyKey,
    );
    return answerCommand(result, response, pickJob, {
      status: HttpStatus.ACCEPTED,
      location: (job) => ResourceUrls.job(job.jobId),
    });
  }
}

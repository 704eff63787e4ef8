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
import { BulkBlockRequest } from './block-requests';

/** Blocking or unblocking many contacts at once: a background job the caller follows. */
@ApiTags('contacts')
@ProblemResponses()
@Controller('v1/bulk/block')
export class BulkBlockController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Blocks (for good, or for `durationSeconds` / until `until`) or unblocks up to 10,000 listed
   * contacts, or every contact of a segment; each one's activity records it with the caller
   * and the reason. Contacts already blocked keep their block. Held to the tenant's block
   * policy: `403 block-not-permitted` / `block-reason-required` before any contact changes.
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
    @Body() request: BulkBlockRequest,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const jobId = mintId('job', principal, idempotencyKey);
    const result = await this.commands.dispatchTenantCommand(
      principal,
      'bulk.block',
      { jobId, ...request },
      idempotencyKey,
    );
    return answerCommand(result, response, pickJob, {
      status: HttpStatus.ACCEPTED,
      location: (job) => ResourceUrls.job(job.jobId),
    });
  }
}

import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JobView } from '@switchboard/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { READERS } from '../auth/roles';
import { Authenticated } from '../auth/roles.decorator';
import { ContactsReader } from '../contacts/contacts-reader';
import { ProblemResponses } from '../problems/problem-responses';
import { JobIdParams } from './job-requests';

/** Background jobs over many contacts: bulk tagging, tag renames and deletions, campaign dispatch. */
@ApiTags('jobs')
@ProblemResponses()
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly reader: ContactsReader) {}

  /** How far a job got: contacts processed, changed and skipped; `completed` once it is done. */
  @Get(':jobId')
  @Authenticated(...READERS)
  @ApiOkResponse({ type: JobView })
  get(@CurrentPrincipal() principal: Principal, @Param() params: JobIdParams) {
    return this.reader.job(principal.tenantId, params.jobId);
  }
}

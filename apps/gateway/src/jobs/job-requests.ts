import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { JOB_ID_PATTERN } from '@switchboard/contracts';

export class JobIdParams {
  @ApiProperty({ pattern: JOB_ID_PATTERN.source })
  @Matches(JOB_ID_PATTERN, { message: `jobId must match ${JOB_ID_PATTERN.source}` })
  jobId: string;
}

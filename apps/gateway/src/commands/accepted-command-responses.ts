import { applyDecorators, type Type } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';

/** What a mutating call answers (202) when its outcome is late: where to look it up. */
export class AcceptedCommandView {
  @ApiProperty({ format: 'uuid' })
  commandId: string;

  @ApiProperty({ enum: ['pending'] })
  status: 'pending';

  /** `GET` it for the outcome; also the `Location` header. */
  statusUrl: string;
}

/** 202 with the command's status URL: the outcome is late. */
export function ApiLateOutcomeResponse(description = 'The outcome is late: poll the status URL') {
  return ApiAcceptedResponse({ type: AcceptedCommandView, description });
}

/**
 * 202 for work that goes on in the background: what was started (`Location` is its URL), or,
 * when even the start is late, the command's status.
 */
export function ApiStartedResponse(started: Type<unknown>, description: string) {
  return applyDecorators(
    ApiExtraModels(started, AcceptedCommandView),
    ApiAcceptedResponse({
      description,
      schema: { oneOf: [{ $ref: getSchemaPath(started) }, { $ref: getSchemaPath(AcceptedCommandView) }] },
    }),
  );
}

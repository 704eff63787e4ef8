import { applyDecorators, Catch, UseFilters, type RpcExceptionFilter } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import type { KafkaEventExtras, KafkaEventTopic } from './consumer-groups';

/** Marks handlers declared through `KafkaEventPattern`, whose errors reach the transport unmasked. */
export const KEEPS_HANDLER_ERRORS = 'switchboard:keeps-handler-errors';

/**
 * Hands a handler's own error to the transport. Nest's default RPC filter replaces every
 * error with `{status: 'error'}`, and the transport needs the original to tell a poison
 * record (DLQ now) from a store outage (retry).
 */
@Catch()
export class HandlerErrorPassthroughFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Declares a handler of `KafkaBatchTransport`: an `@EventPattern` on the topic of `topic`
 * for the consumer group `extras.group`. The handler gets a `ConsumedRecord` (or, with
 * `batch: true`, a partition's `ConsumedRecord[]`) and a `KafkaConsumerContext`, and
 * resolves once the effects are durable; what it throws is classified by `classifyFailure`.
 */
export function KafkaEventPattern(topic: KafkaEventTopic, extras: KafkaEventExtras): MethodDecorator {
  return applyDecorators(
    EventPattern(topic, { ...extras, [KEEPS_HANDLER_ERRORS]: true }),
    UseFilters(HandlerErrorPassthroughFilter),
  );
}

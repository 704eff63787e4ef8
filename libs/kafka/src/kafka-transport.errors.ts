/** Why `KafkaBatchTransport` refused its handlers; `code` is stable, the message says where. */
export type KafkaTransportErrorCode =
  | 'kafka-transport-request-reply'
  | 'kafka-transport-unmasked-errors-required'
  | 'kafka-transport-unknown-topic'
  | 'kafka-transport-undeclared-group'
  | 'kafka-transport-duplicate-handler'
  | 'kafka-transport-mixed-handler-kinds'
  | 'kafka-transport-group-without-handlers'
  | 'kafka-transport-no-handler';

export class KafkaTransportError extends Error {
  constructor(
    readonly code: KafkaTransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KafkaTransportError';
  }
}

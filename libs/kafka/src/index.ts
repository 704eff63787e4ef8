export * from './consumed-record';
export * from './dead-letter';
export * from './error-classification';
export * from './kafka-client';
export * from './kafka-producer';
export * from './kafka.module';
export * from './record-consumer';
export * from './topic-admin';

export * from './health.controller';
export * from './log-redaction';
export * from './metrics';
export * from './observability.module';
export * from './readiness.registry';
export * from './run-service';

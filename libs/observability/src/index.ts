export * from './health.controller';
export * from './metrics';
export * from './observability.module';
export * from './readiness.registry';
export * from './run-service';

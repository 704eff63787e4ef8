export * from './parse-environment';
export * from './service-settings';
export * from './settings.module';

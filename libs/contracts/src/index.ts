import 'reflect-metadata';

export * from './actor';
export * from './blocklist-entry';
export * from './commands/command-payloads';
export * from './commands/contact-command';
export * from './contact-fields';
export * from './contact-view';
export * from './events/contact-event';
export * from './events/event-payloads';
export * from './identifiers';
export * from './keys';
export * from './topics';
export * from './validation';
export * from './internal-api';
export * from './error-codes';
export * from './messages/inbound-message';
export * from './filter-progress';
export * from './messages/inbound-message.fast-check';

export * from './channel-webhooks';
export * from './expect-eventually';
export * from './factories';
export * from './test-infrastructure';
export * from './tokens';
export * from './topic-probe';
export * from './test-topics';
export * from './contract-violation';

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConsumerGroups } from '@switchboard/kafka';
import { BlockEnforcement } from './commands/block-enforcement';
import { ContactEventsListener } from './commands/contact-events.listener';
import { GatewaySettings } from './gateway-settings';

/** The consumer groups of the gateway, as its `@KafkaEventPattern` handlers name them. */
export const GatewayConsumerGroup = {
  outcomes: 'gateway-outcomes',
  filterProgress: 'gateway-filter-progress',
} as const;

/**
 * How each group runs in this deployment. Both are private readers: every instance reads every
 * partition with its own group and never commits, and is ready once the state its provider
 * builds is.
 */
export function gatewayConsumerGroups(
  settings: GatewaySettings,
  outcomes: ContactEventsListener,
  enforcement: BlockEnforcement,
): ConsumerGroups {
  const instance = `${hostname()}-${randomUUID()}`;
  return {
    [GatewayConsumerGroup.outcomes]: {
      groupId: `${settings.TOPIC_PREFIX}gateway-outcomes-${instance}`,
      // only outcomes from now on matter: requests wait for commands sent after the start
      fromBeginning: false,
      commit: false,
      readinessCheck: 'outcome-listener',
      readyWhen: () => outcomes.isPositioned,
      watchClient: (client) => outcomes.watch(client),
    },
    [GatewayConsumerGroup.filterProgress]: {
      groupId: `${settings.TOPIC_PREFIX}gateway-filter-progress-${instance}`,
      fromBeginning: true,
      commit: false,
      readinessCheck: 'filter-progress',
      readyWhen: () => enforcement.caughtUp,
    },
  };
}

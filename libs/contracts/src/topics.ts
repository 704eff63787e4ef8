/** Every Kafka topic of the public contract, by its role. Names get the deployment's prefix. */
export const TopicRoles = [
  'contactCommands',
  'contactEvents',
  'contactBlocklist',
  'messagesInbound',
  'messagesAccepted',
  'messagesBlocked',
  'filterProgress',
  'campaignDispatch',
] as const;

export type TopicRole = (typeof TopicRoles)[number];

const baseNames: Record<TopicRole, string> = {
  contactCommands: 'contacts.commands',
  contactEvents: 'contacts.events',
  contactBlocklist: 'contacts.blocklist',
  messagesInbound: 'messages.inbound',
  messagesAccepted: 'messages.accepted',
  messagesBlocked: 'messages.blocked',
  filterProgress: 'message-filter.progress',
  campaignDispatch: 'campaigns.dispatch',
};

export type TopicNames = Record<TopicRole, string>;

/** Topic names for a deployment; `prefix` lets test runs and environments share one cluster. */
export function topicNames(prefix = ''): TopicNames {
  const names = {} as TopicNames;
  for (const role of TopicRoles) {
    names[role] = `${prefix}${baseNames[role]}`;
  }
  return names;
}

/** The dead-letter topic of a consumed topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Roles whose records are consumed by one of our services, and so have a DLQ. */
export const ConsumedTopicRoles: readonly TopicRole[] = [
  'contactCommands',
  'contactEvents',
  'contactBlocklist',
  'messagesInbound',
  'messagesAccepted',
  'messagesBlocked',
];

export interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The topics to create, with their partition counts and retention. */
export function topicSpecs(names: TopicNames, partitions: number): TopicSpec[] {
  const retention = (days: number) => ({ 'retention.ms': String(days * DAY_MS) });
  const specs: TopicSpec[] = [
    { name: names.contactCommands, partitions, config: retention(7) },
    { name: names.contactEvents, partitions, config: retention(7) },
    {
      name: names.contactBlocklist,
      partitions,
      // Tombstones must outlive the slowest bootstrap of a filter instance.
      config: {
        'cleanup.policy': 'compact',
        'delete.retention.ms': String(DAY_MS),
        'min.compaction.lag.ms': '0',
        'segment.ms': String(DAY_MS),
      },
    },
    { name: names.messagesInbound, partitions, config: retention(3) },
    { name: names.messagesAccepted, partitions, config: retention(3) },
    // Audit of dropped messages: bounded retention, as the spec asks.
    { name: names.messagesBlocked, partitions, config: retention(7) },
    // One record per campaign recipient, keyed per contact, for the services that send them.
    { name: names.campaignDispatch, partitions, config: retention(7) },
    // Internal: how far each filter instance has applied the blocklist (last report per instance).
    {
      name: names.filterProgress,
      partitions: 1,
      config: {
        'cleanup.policy': 'compact',
        'delete.retention.ms': String(60 * 60 * 1000),
        'segment.ms': String(60 * 60 * 1000),
      },
    },
  ];
  const deadLetters = ConsumedTopicRoles.map((role) => ({
    name: deadLetterTopic(names[role]),
    partitions: Math.min(partitions, 3),
    config: retention(14),
  }));
  return [...specs, ...deadLetters];
}

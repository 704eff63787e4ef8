import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, IS_ISO8601, IS_OPTIONAL } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import {
  ATTRIBUTE_KEY_PATTERN,
  BlockedMessage,
  BlocklistEntry,
  CampaignDispatch,
  commandPayloadContracts,
  ContactCommandEnvelope,
  ContactEventEnvelope,
  eventPayloadContracts,
  FilterProgress,
  InboundMessage,
  isTenantCommandType,
  PHONE_NUMBER_COUNTRIES,
  SEGMENT_COMPARISON_SCHEMA,
  SEGMENT_EQUALS_SCHEMA,
  SEGMENT_EXPRESSION_DESCRIPTION,
  topicNames,
  type CommandType,
} from '@switchboard/contracts';

type Schema = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';

type ContractClass = abstract new (...args: never[]) => object;

/** The top-level contract classes: every command and event payload, and every record value. */
const contractClasses: ContractClass[] = [
  ContactCommandEnvelope,
  ContactEventEnvelope,
  ...Object.values(commandPayloadContracts),
  ...Object.values(eventPayloadContracts),
  BlocklistEntry,
  InboundMessage,
  BlockedMessage,
  FilterProgress,
  CampaignDispatch,
];

/** An object whose keys match `pattern` (`propertyNames` is JSON Schema, not in OpenAPI's types). */
const objectWithKeys = (pattern: RegExp) =>
  ({ type: 'object', propertyNames: { pattern: pattern.source } }) as never;

/**
 * JSON Schemas of every contract class, derived from their class-validator decorators (a
 * subclass gets its ancestors' fields too). Every class forbids properties it does not declare,
 * as `validateContract` does. Validators with no JSON Schema form (E.164 on phone channels,
 * "exactly one of") are described, not enforced.
 */
export function contractSchemas(): Record<string, Schema> {
  const own = validationMetadatasToSchemas({
    refPointerPrefix: SCHEMA_REF,
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      isAttributes: objectWithKeys(ATTRIBUTE_KEY_PATTERN),
      isAttributeFilters: objectWithKeys(ATTRIBUTE_KEY_PATTERN),
      isAddressForChannel: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        pattern: '^[^|\\u0000-\\u001f\\u007f-\\u009f]+$',
        description:
          'a phone number with its country code, read as E.164, on phone channels (docs/identities.md); elsewhere printable text without a vertical bar',
      },
      isExactlyOneOf: { description: 'exactly one of the alternative fields is given' },
      isDefaultCountry: {
        anyOf: [{ type: 'string', enum: [...PHONE_NUMBER_COUNTRIES] }, { type: 'null' }],
        description:
          'an ISO 3166-1 alpha-2 country code (libphonenumber-js knows its numbers), or null for none',
      },
      hasMentionsAtMost: { description: 'mentions (`@agent-id`) at most 20 distinct agents' },
      isSegmentAttributeValue: SEGMENT_EQUALS_SCHEMA as never,
      isSegmentComparison: SEGMENT_COMPARISON_SCHEMA as never,
      isSegmentExpression: { description: SEGMENT_EXPRESSION_DESCRIPTION },
      [IS_ISO8601]: { type: 'string', format: 'date-time' },
    },
  }) as Record<string, Schema>;
  const schemas: Record<string, Schema> = { ...own };
  // Every class with its inherited properties: whether the library merges a parent's depends on
  // which other classes the process loaded, so the lineage is merged here for each class.
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<ContractClass, unknown> };
  for (const contract of new Set<ContractClass>([
    ...storage.validationMetadatas.keys(),
    ...contractClasses,
  ])) {
    const lineage: Schema[] = [];
    for (
      let type: unknown = contract;
      typeof type === 'function' && type !== Function.prototype;
      type = Object.getPrototypeOf(type)
    ) {
      const schema = own[(type as { name: string }).name];
      if (schema) {
        lineage.push(schema);
      }
    }
    const required = [
      ...new Set(lineage.flatMap((schema) => (schema.required as string[] | undefined) ?? [])),
    ];
    schemas[contract.name] = {
      type: 'object',
      properties: Object.assign({}, ...lineage.reverse().map((schema) => schema.properties ?? {})) as Schema,
      ...(required.length > 0 && { required }),
    };
  }
  allowNullWhereOptional(schemas);
  // class-validator keeps every decorated class of the process in one global store (the
  // gateway's request classes too, when they were loaded): keep the contracts and what they use.
  const used = reachable(
    contractClasses.map((contract) => contract.name),
    schemas,
  );
  return Object.fromEntries(
    Object.entries(schemas)
      .filter(([name]) => used.has(name))
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([name, schema]) => [name, { ...schema, additionalProperties: false }]),
  );
}

/** The schemas `roots` refer to, directly or through others. */
function reachable(roots: string[], schemas: Record<string, Schema>): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      for (const [key, nested] of Object.entries(value)) {
        if (key === '$ref' && typeof nested === 'string') {
          add(nested.slice(SCHEMA_REF.length));
        } else {
          visit(nested);
        }
      }
    }
  };
  const add = (name: string): void => {
    if (!found.has(name) && schemas[name]) {
      found.add(name);
      visit(schemas[name]);
    }
  };
  roots.forEach(add);
  return found;
}

/**
 * `@IsOptional()` accepts `null` as well as absence (a profile update clears a field with it):
 * those properties also allow `null` in the schema. Each class is looked at with its inherited
 * validators, so the result does not depend on which other classes the process loaded.
 */
function allowNullWhereOptional(schemas: Record<string, Schema>): void {
  const storage = getMetadataStorage();
  const known = (storage as unknown as { validationMetadatas: Map<ContractClass, unknown> })
    .validationMetadatas;
  for (const target of new Set<ContractClass>([...known.keys(), ...contractClasses])) {
    const properties = schemas[target.name]?.properties as Record<string, Schema> | undefined;
    if (!properties) {
      continue;
    }
    for (const { propertyName, name } of storage.getTargetValidationMetadatas(target, '', true, false)) {
      if (name === IS_OPTIONAL && properties[propertyName] && !properties[propertyName].anyOf) {
        properties[propertyName] = { anyOf: [properties[propertyName], { type: 'null' }] };
      }
    }
  }
}

const keyOfCommand = (type: CommandType) =>
  isTenantCommandType(type) ? '`tenantId:subject` (see the envelope)' : '`tenantId:contactId`';

/** One message per command or event type: the envelope with that type and its payload class. */
function typedMessages(
  envelope: string,
  contracts: Record<string, { name: string }>,
  keyOf: (type: string) => string,
  summary: string,
): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(contracts).map(([type, payload]) => [
      type,
      {
        name: type,
        title: type,
        summary: `${summary} \`${type}\``,
        payload: {
          allOf: [
            { $ref: `${SCHEMA_REF}${envelope}` },
            {
              type: 'object',
              properties: { type: { const: type }, payload: { $ref: `${SCHEMA_REF}${payload.name}` } },
            },
          ],
        },
        bindings: { kafka: { key: { type: 'string', description: keyOf(type) } } },
      },
    ]),
  );
}

function message(name: string, payload: string, key: string, summary: string): Schema {
  return {
    name,
    title: name,
    summary,
    payload: { $ref: `${SCHEMA_REF}${payload}` },
    bindings: { kafka: { key: { type: 'string', description: key } } },
  };
}

const deadLetterMessage: Schema = {
  name: 'DeadLetter',
  title: 'DeadLetter',
  summary: 'A record a consumer could not process: the original key, value and headers, plus why',
  payload: { description: 'the original value, byte for byte (it may not be JSON)' },
  headers: {
    type: 'object',
    properties: Object.fromEntries(
      [
        'dlq-reason',
        'dlq-error-code',
        'dlq-source-topic',
        'dlq-source-partition',
        'dlq-source-offset',
        'dlq-consumer-group',
        'dlq-failed-at',
        // only on a copy the DLQ refused whole: the original value's size in bytes
        'dlq-truncated',
      ].map((header) => [header, { type: 'string' }]),
    ),
    required: ['dlq-reason', 'dlq-source-topic', 'dlq-source-partition', 'dlq-source-offset'],
  },
  bindings: { kafka: { key: { type: 'string', description: 'the original key' } } },
};

/** The AsyncAPI 3 document of every topic, generated from the contract classes. */
export function asyncApiDocument(): Schema {
  const topics = topicNames();
  const commands = typedMessages(
    'ContactCommandEnvelope',
    commandPayloadContracts,
    (type) => keyOfCommand(type as CommandType),
    'Command',
  );
  const events = typedMessages(
    'ContactEventEnvelope',
    eventPayloadContracts,
    () => 'the key of the command that caused it',
    'Event',
  );
  const single = {
    BlocklistEntry: message(
      'BlocklistEntry',
      'BlocklistEntry',
      '`tenantId|channel|address`',
      'Current block of one identity (a tombstone, null value, on unblock)',
    ),
    InboundMessage: message(
      'InboundMessage',
      'InboundMessage',
      '`tenantId|channel|from`',
      'An inbound chat message',
    ),
    BlockedMessage: message(
      'BlockedMessage',
      'BlockedMessage',
      '`tenantId|channel|from`',
      'A dropped message and the block that dropped it',
    ),
    FilterProgress: message(
      'FilterProgress',
      'FilterProgress',
      'the filter instance id',
      'How far one filter instance has applied the blocklist (a tombstone when it stops)',
    ),
    CampaignDispatch: message(
      'CampaignDispatch',
      'CampaignDispatch',
      '`tenantId:contactId`',
      'One recipient of a campaign',
    ),
    DeadLetter: deadLetterMessage,
  };
  const refs = (names: string[]) =>
    Object.fromEntries(names.map((name) => [name, { $ref: `#/components/messages/${name}` }]));
  const channel = (address: string, description: string, names: string[]) => ({
    address,
    description,
    messages: refs(names),
  });
  const channels: Record<string, Schema> = {
    contactCommands: channel(
      topics.contactCommands,
      'Commands to the contacts service; ordered per key',
      Object.keys(commands),
    ),
    contactEvents: channel(
      topics.contactEvents,
      'Facts that happened, and CommandRejected outcomes. NoteMentioned accompanies a note ' +
        'command’s outcome (published just before it): one per newly mentioned agent, its eventId ' +
        'a UUIDv5 of the commandId and the mentioned id; it is never the outcome itself',
      Object.keys(events),
    ),
    contactBlocklist: channel(topics.contactBlocklist, 'Compacted: the current block state per identity', [
      'BlocklistEntry',
    ]),
    messagesInbound: channel(
      topics.messagesInbound,
      'Inbound chat messages, from webhooks and other producers',
      ['InboundMessage'],
    ),
    messagesAccepted: channel(
      topics.messagesAccepted,
      'Inbound messages from contacts that are not blocked',
      ['InboundMessage'],
    ),
    messagesBlocked: channel(topics.messagesBlocked, 'Dropped messages (audit, bounded retention)', [
      'BlockedMessage',
    ]),
    filterProgress: channel(topics.filterProgress, 'Compacted: the last report of each filter instance', [
      'FilterProgress',
    ]),
    campaignDispatch: channel(
      topics.campaignDispatch,
      'One record per campaign recipient; deduplicate by dispatchId',
      ['CampaignDispatch'],
    ),
    deadLetters: channel('{topic}.dlq', 'Records a consumer could not process, with the reason in headers', [
      'DeadLetter',
    ]),
  };
  channels.deadLetters.parameters = { topic: { description: 'the consumed topic' } };
  const operation = (action: 'send' | 'receive', channelName: string, summary: string) => ({
    action,
    summary,
    channel: { $ref: `#/channels/${channelName}` },
  });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Switchboard topics',
      version: '1.0.0',
      description:
        'Every Kafka topic of Switchboard, generated from the contract classes in libs/contracts (`npm run contracts`). Topic names get the deployment prefix (TOPIC_PREFIX). Delivery is at least once; consumers deduplicate by commandId, eventId, messageId, dispatchId.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'the local stack' } },
    channels,
    operations: {
      sendCommand: operation('send', 'contactCommands', 'The gateway and other services send commands'),
      receiveCommand: operation('receive', 'contactCommands', 'The contacts service applies them'),
      sendEvent: operation('send', 'contactEvents', 'The contacts service publishes outcomes'),
      receiveEvent: operation(
        'receive',
        'contactEvents',
        'The gateway waits for outcomes; the activity projector records them',
      ),
      sendBlocklist: operation(
        'send',
        'contactBlocklist',
        'The contacts service keeps it in line with block state',
      ),
      receiveBlocklist: operation('receive', 'contactBlocklist', 'Every message filter holds it in memory'),
      sendInbound: operation('send', 'messagesInbound', 'The gateway webhook and channel services'),
      receiveInbound: operation('receive', 'messagesInbound', 'The message filter routes each message'),
      sendAccepted: operation('send', 'messagesAccepted', 'The message filter'),
      receiveAccepted: operation(
        'receive',
        'messagesAccepted',
        'The contacts service keeps counters and history',
      ),
      sendBlocked: operation('send', 'messagesBlocked', 'The message filter'),
      receiveBlocked: operation('receive', 'messagesBlocked', 'The contacts service counts dropped messages'),
      sendProgress: operation('send', 'filterProgress', 'Each filter instance reports'),
      receiveProgress: operation('receive', 'filterProgress', 'The gateway confirms blocks'),
      sendDispatch: operation('send', 'campaignDispatch', 'The contacts service fans campaigns out'),
      sendDeadLetter: operation('send', 'deadLetters', 'Every consumer, for records it cannot process'),
    },
    components: {
      messages: { ...commands, ...events, ...single },
      schemas: contractSchemas(),
    },
  };
}

import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BULK_TARGETS, CAMPAIGN_TARGETS, RESERVED_KEYS } from '@switchboard/contracts';

type SchemaObject = Record<string, unknown>;

/** Exactly one of the fields: `oneOf` fails when none of the branches holds, or several. */
const exactlyOneOf = (fields: readonly string[]): SchemaObject => ({
  oneOf: fields.map((field) => ({ required: [field] })),
});

/**
 * What a request schema says about the object as a whole, which property decorators cannot:
 * the cross-field rules the validators enforce (a PATCH changes at least one field; a bulk or
 * campaign target is exactly one of its forms).
 */
/** A segment condition is one of its kinds: one key, or `attribute` with exactly one test. */
const ATTRIBUTE_TESTS = ['eq', 'exists', 'contains', 'gt', 'gte', 'lt', 'lte'];
const segmentConditionKinds: SchemaObject = {
  oneOf: [
    ...['and', 'or', 'not', 'tag', 'blocked', 'lastMessageAt'].map((kind) => ({
      required: [kind],
      maxProperties: 1,
    })),
    {
      required: ['attribute'],
      minProperties: 2,
      maxProperties: 2,
      properties: Object.fromEntries(['attribute', ...ATTRIBUTE_TESTS].map((key) => [key, {}])),
      additionalProperties: false,
    },
  ],
};

const objectRules: Record<string, SchemaObject> = {
  SegmentCondition: segmentConditionKinds,
  SegmentActivityTest: { minProperties: 1, maxProperties: 1 },
  UpdateContactRequest: { minProperties: 1 },
  UpdateTagRequest: { minProperties: 1 },
  BulkTagRequest: exactlyOneOf(BULK_TARGETS),
  BulkBlockRequest: exactlyOneOf(BULK_TARGETS),
  CreateCampaignRequest: exactlyOneOf(CAMPAIGN_TARGETS),
};

/** The gateway's OpenAPI document, as served at `/docs`. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setDescription(
        'Customer controls of a chat inbox: block and unblock, tags, user details, segments, ' +
          'bulk tagging and campaigns. ' +
          'Every mutating call is a command on Kafka; errors are application/problem+json (RFC 9457). ' +
          `Anywhere in a request, a key named ${[...RESERVED_KEYS].join(', ')} and a string or key ` +
          'with U+0000 or an unpaired UTF-16 surrogate are refused with 400 naming the field: ' +
          'the store cannot hold that text, and those keys would otherwise be dropped on the way.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  // The Prometheus scrape endpoint is for operators, not part of the API.
  delete document.paths['/metrics'];
  closeRequestSchemas(document);
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  for (const [name, rules] of Object.entries(objectRules)) {
    if (schemas[name]) {
      Object.assign(schemas[name], rules);
    }
  }
  return document;
}

/**
 * Request bodies refuse unknown properties (the validation pipe forbids them): say so in the
 * document, for every schema a request body uses, nested ones included.
 */
function closeRequestSchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const pending: string[] = [];
  const referencedBy = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(referencedBy);
    } else if (value && typeof value === 'object') {
      for (const [key, nested] of Object.entries(value)) {
        if (key === '$ref' && typeof nested === 'string') {
          pending.push(nested.replace('#/components/schemas/', ''));
        } else {
          referencedBy(nested);
        }
      }
    }
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as { requestBody?: unknown }[]) {
      referencedBy(operation?.requestBody);
    }
  }
  const closed = new Set<string>();
  while (pending.length > 0) {
    const name = pending.pop()!;
    const schema = schemas[name] as { additionalProperties?: unknown } | undefined;
    if (!schema || closed.has(name)) {
      continue;
    }
    closed.add(name);
    schema.additionalProperties = false;
    referencedBy(schema);
  }
}

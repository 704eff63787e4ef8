import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSystem, type System } from './support/system';
import { http } from './support/http';

/**
 * The OpenAPI document as users get it (this suite is compiled with the swagger plugin, like
 * `nest build`): every route is there, and request schemas say what is required and what not.
 */
describe('the gateway OpenAPI document', () => {
  let system: System;
  let document: any;

  beforeAll(async () => {
    system = await startSystem();
    const response = await http('GET', `${system.gateway.url}/docs/openapi.json`);
    expect(response.status).toBe(200);
    document = response.body;
  });

  afterAll(async () => {
    await system?.stop();
  });

  // The repository carries the document users read (docs/openapi.json); `npm run contracts`
  // rewrites it from the served one, and this keeps the two equal.
  it('is the document committed as docs/openapi.json', () => {
    const committedPath = resolve(__dirname, '../docs/openapi.json');
    if (process.env.WRITE_OPENAPI === '1') {
      writeFileSync(committedPath, `${JSON.stringify(document, null, 2)}\n`);
    }
    expect(JSON.parse(readFileSync(committedPath, 'utf8'))).toEqual(document);
  });

  it('is OpenAPI 3 and lists every public route', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/contacts',
        '/v1/contacts/{id}',
        '/v1/contacts/{id}/block',
        '/v1/contacts/{id}/tags',
        '/v1/contacts/{id}/notes',
        '/v1/contacts/{id}/notes/{noteId}',
        '/v1/contacts/{id}/notes/{noteId}/pin',
        '/v1/contacts/{id}/notes/{noteId}/unpin',
        '/v1/contacts/{id}/notes/{noteId}/history',
        '/v1/commands/{id}',
        '/v1/tags',
        '/v1/tags/{tagId}',
        '/v1/bulk/tags',
        '/v1/bulk/block',
        '/v1/settings/block-policy',
        '/v1/settings/channels',
        '/v1/settings/channels/whatsapp',
        '/v1/settings/channels/twilio',
        '/v1/inbound/{tenantId}/whatsapp',
        '/v1/inbound/{tenantId}/twilio',
        '/v1/settings/phone-numbers',
        '/v1/contacts/{id}/unblock',
        '/v1/jobs/{jobId}',
        '/v1/segments',
        '/v1/segments/preview',
        '/v1/segments/{segmentId}',
        '/v1/segments/{segmentId}/preview',
        '/v1/campaigns',
        '/v1/campaigns/{campaignId}',
        '/v1/conversations',
        '/v1/contacts/{id}/messages/stream',
      ]),
    );
  });

  it('describes request bodies field by field, with what is required', () => {
    const schemas = document.components.schemas;
    const shape = (name: string) => ({
      required: [...(schemas[name].required ?? [])].sort(),
      properties: Object.keys(schemas[name].properties ?? {}).sort(),
    });
    expect(shape('CreateTagRequest')).toEqual({
      required: ['name'],
      properties: ['colour', 'description', 'name'],
    });
    expect(shape('UpdateTagRequest')).toEqual({
      required: [],
      properties: ['colour', 'description', 'name'],
    });
    expect(shape('BulkTagRequest')).toEqual({
      required: ['action', 'tags'],
      properties: ['action', 'contactIds', 'segment', 'segmentId', 'tags'],
    });
    expect(shape('BlockContactRequest')).toEqual({
      required: [],
      properties: ['durationSeconds', 'reason', 'until'],
    });
    expect(shape('BulkBlockRequest')).toEqual({
      required: ['action'],
      properties: ['action', 'contactIds', 'durationSeconds', 'reason', 'segment', 'segmentId', 'until'],
    });
    expect(shape('BlockPolicyRequest')).toEqual({
      required: ['reasonRequired', 'whoMayBlock'],
      properties: ['reasonRequired', 'whoMayBlock'],
    });
    expect(shape('PhoneNumberSettingsRequest')).toEqual({
      required: ['defaultCountry'],
      properties: ['defaultCountry'],
    });
    expect(shape('CreateCampaignRequest')).toEqual({
      required: ['message', 'name'],
      properties: ['includeBlocked', 'message', 'name', 'segment', 'segmentId'],
    });
    expect(shape('SegmentDefinitionRequest').required).toEqual([]);
    expect(shape('SegmentDefinitionRequest').properties).toEqual([
      'all',
      'any',
      'attributes',
      'blocked',
      'match',
      'none',
    ]);
  });

  it('is a valid OpenAPI 3.0 document (schema and references)', async () => {
    // The parser dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it('documents, for every command, the idempotency key and the 202 of a late outcome', () => {
    const isQuery = (path: string) => path.endsWith('/preview') || path.startsWith('/v1/inbound/');
    const commands = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(
      ([path, operations]) =>
        Object.entries(operations)
          .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method) && !isQuery(path))
          .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(commands.length).toBeGreaterThan(15);
    const undocumented = commands
      .filter(
        ({ operation }) =>
          !operation.parameters?.some((parameter: any) => parameter.name === 'Idempotency-Key') ||
          !operation.responses['202']?.content?.['application/json']?.schema,
      )
      .map(({ route }) => route);
    expect(undocumented).toEqual([]);
  });

  it('states the cross-field rules of request bodies', () => {
    const schemas = document.components.schemas;
    expect(schemas.UpdateContactRequest.minProperties).toBe(1);
    expect(schemas.UpdateTagRequest.minProperties).toBe(1);
    expect(schemas.BulkTagRequest.oneOf).toEqual([
      { required: ['contactIds'] },
      { required: ['segmentId'] },
      { required: ['segment'] },
    ]);
    expect(schemas.BulkBlockRequest.oneOf).toEqual(schemas.BulkTagRequest.oneOf);
    expect(schemas.CreateCampaignRequest.oneOf).toEqual([
      { required: ['segmentId'] },
      { required: ['segment'] },
    ]);
  });

  it('describes notes with their pin state and a note’s history revision by revision', () => {
    const schemas = document.components.schemas;
    expect(Object.keys(schemas.NoteView.properties)).toEqual(
      expect.arrayContaining(['noteId', 'body', 'pinned', 'pinnedAt', 'pinnedBy']),
    );
    expect(schemas.NoteHistoryView.properties.items).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/NoteRevisionView' },
    });
    expect([...schemas.NoteRevisionView.required].sort()).toEqual([
      'body',
      'editedAt',
      'editedBy',
      'kind',
      'pinned',
      'revision',
    ]);
    const pin = document.paths['/v1/contacts/{id}/notes/{noteId}/pin'].post;
    expect(Object.keys(pin.responses)).toEqual(expect.arrayContaining(['200', '202', '422']));
  });

  it('describes a command status with its outcome and enforcement, and its 404', () => {
    const status = document.paths['/v1/commands/{id}'].get;
    expect(status.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CommandStatusView',
    });
    expect(Object.keys(status.responses)).toEqual(expect.arrayContaining(['200', '404']));
    const view = document.components.schemas.CommandStatusView;
    expect(Object.keys(view.properties).sort()).toEqual(['commandId', 'enforced', 'event', 'status']);
    expect([...view.required].sort()).toEqual(['commandId', 'status']);
    expect(view.properties.status.enum).toEqual(['pending', 'applied', 'rejected']);
    expect(view.properties.enforced.type).toBe('boolean');
    const problemCodes =
      status.responses['404'].content['application/problem+json'].schema.properties.code.enum;
    expect(problemCodes).toEqual(expect.arrayContaining(['command-not-found', 'tag-name-taken']));
    expect(Object.keys(document.paths['/v1/tags/{tagId}'].patch.responses)).toContain('409');
  });

  it('describes the nested segment expression node by node', () => {
    const schemas = document.components.schemas;
    expect(schemas.SegmentDefinitionRequest.properties.match).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/SegmentCondition' }],
    });
    const condition = schemas.SegmentCondition;
    expect(Object.keys(condition.properties).sort()).toEqual(
      [
        'and',
        'attribute',
        'blocked',
        'contains',
        'eq',
        'exists',
        'gt',
        'gte',
        'lastMessageAt',
        'lt',
        'lte',
        'not',
        'or',
        'tag',
      ].sort(),
    );
    expect(condition.required ?? []).toEqual([]);
    expect(condition.description).toContain(
      'exactly one of and, or, not, tag, blocked, attribute, lastMessageAt',
    );
    expect(condition.properties.and).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/SegmentCondition' },
      minItems: 1,
      maxItems: 50,
    });
    expect(condition.properties.gte.oneOf).toEqual([
      { type: 'number' },
      expect.objectContaining({ type: 'string', pattern: expect.any(String) }),
    ]);
    expect(Object.keys(schemas.SegmentActivityTest.properties).sort()).toEqual([
      'exists',
      'olderThanDays',
      'withinDays',
    ]);
  });
});

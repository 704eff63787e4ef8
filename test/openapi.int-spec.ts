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

  it('is OpenAPI 3 and lists every public route', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/contacts',
        '/v1/contacts/{id}',
        '/v1/contacts/{id}/block',
        '/v1/contacts/{id}/tags',
        '/v1/commands/{id}',
        '/v1/tags',
        '/v1/tags/{tagId}',
        '/v1/bulk/tags',
        '/v1/bulk/block',
        '/v1/settings/block-policy',
        '/v1/contacts/{id}/unblock',
        '/v1/jobs/{jobId}',
        '/v1/segments',
        '/v1/segments/preview',
        '/v1/segments/{segmentId}',
        '/v1/segments/{segmentId}/preview',
        '/v1/campaigns',
        '/v1/campaigns/{campaignId}',
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
      'none',
    ]);
  });
});

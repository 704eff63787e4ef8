import { ApiError } from '../problems/api-error';
import { createValidationPipe } from '../problems/validation.pipe';
import { BulkTagRequest } from './tag-requests';

async function fieldErrorsOf(body: object): Promise<string[]> {
  const error: unknown = await createValidationPipe()
    .transform(body, { type: 'body', metatype: BulkTagRequest })
    .then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
  return error instanceof ApiError ? (error.fieldErrors ?? []).map(({ field }) => field) : [];
}

describe('bulk tag requests', () => {
  it('accepts one target: contact ids, a saved segment or a definition', async () => {
    expect(await fieldErrorsOf({ action: 'add', tags: ['vip'], contactIds: ['c-1', 'c-2'] })).toEqual([]);
    expect(await fieldErrorsOf({ action: 'remove', tags: ['vip'], segmentId: 's_regulars' })).toEqual([]);
    expect(await fieldErrorsOf({ action: 'add', tags: ['vip'], segment: { all: ['gold'] } })).toEqual([]);
  });

  it('keeps the contract rule of exactly one target', async () => {
    expect(await fieldErrorsOf({ action: 'add', tags: ['vip'] })).toEqual(['contactIds']);
    expect(
      await fieldErrorsOf({ action: 'add', tags: ['vip'], contactIds: ['c-1'], segmentId: 's_regulars' }),
    ).toEqual(['contactIds', 'segmentId']);
  });

  it('leaves the job id to the gateway', async () => {
    expect(
      await fieldErrorsOf({ jobId: 'j_mine', action: 'add', tags: ['vip'], contactIds: ['c-1'] }),
    ).toEqual(['jobId']);
  });
});

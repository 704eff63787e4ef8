import { ApiError } from '../problems/api-error';
import { createValidationPipe } from '../problems/validation.pipe';
import { contactListFilterOf } from './contact-list-filter';
import { ListContactsQuery } from './contact-requests';

/** The query as the validation pipe hands it to the controller, from Express's parsed query. */
function listQuery(query: Record<string, string | string[]>): Promise<ListContactsQuery> {
  return createValidationPipe().transform(query, {
    type: 'query',
    metatype: ListContactsQuery,
  }) as Promise<ListContactsQuery>;
}

async function fieldErrorsOf(query: Record<string, string | string[]>): Promise<string[]> {
  const error: unknown = await listQuery(query).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ApiError);
  return ((error as ApiError).fieldErrors ?? []).map(({ field }) => field);
}

describe('listing contacts by tags or segment', () => {
  it('takes a tag parameter given once as a list of one', async () => {
    const query = await listQuery({ all: 'vip' });
    expect(query.all).toEqual(['vip']);
  });

  it('takes repeated tag parameters as a list, trimmed', async () => {
    const query = await listQuery({ all: [' vip', 'gold '], none: 'churned' });
    expect(query.all).toEqual(['vip', 'gold']);
    expect(query.none).toEqual(['churned']);
    expect(query.any).toBeUndefined();
  });

  it('asks for an ad-hoc segment of the tags, with the block state inside it', async () => {
    const query = await listQuery({ all: ['vip', 'gold'], none: 'churned', blocked: 'false' });
    expect(contactListFilterOf(query)).toEqual({
      segment: { all: ['vip', 'gold'], none: ['churned'], blocked: false },
    });
  });

  it('asks for a saved segment by id, with the block state beside it', async () => {
    const query = await listQuery({ segmentId: 's_regulars', blocked: 'true' });
    expect(contactListFilterOf(query)).toEqual({ segmentId: 's_regulars', blocked: true });
  });

  it('asks for the block state alone when there are no tags and no segment', async () => {
    expect(contactListFilterOf(await listQuery({ blocked: 'true' }))).toEqual({ blocked: true });
    expect(contactListFilterOf(await listQuery({}))).toEqual({});
  });

  it('refuses a saved segment together with tag parameters', async () => {
    expect(await fieldErrorsOf({ segmentId: 's_regulars', any: 'vip' })).toEqual(['segmentId']);
  });

  it('refuses tag names a segment definition refuses', async () => {
    expect(await fieldErrorsOf({ all: ' ' })).toEqual(['all']);
    expect(await fieldErrorsOf({ any: 'x'.repeat(65) })).toEqual(['any']);
    expect(await fieldErrorsOf({ none: Array.from({ length: 21 }, (_, index) => `tag-${index}`) })).toEqual([
      'none',
    ]);
  });

  it('refuses a segment id of the wrong shape', async () => {
    expect(await fieldErrorsOf({ segmentId: 't_not-a-segment' })).toEqual(['segmentId']);
  });
});

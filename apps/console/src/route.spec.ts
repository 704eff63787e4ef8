import { routeOf } from './route';

describe('routeOf', () => {
  it('reads the inbox, an open conversation and the segments page from the hash', () => {
    expect(routeOf('')).toEqual({ page: 'inbox' });
    expect(routeOf('#/inbox')).toEqual({ page: 'inbox' });
    expect(routeOf('#/inbox/c_1%2F2')).toEqual({ page: 'inbox', contactId: 'c_1/2' });
    expect(routeOf('#/segments')).toEqual({ page: 'segments' });
  });

  it('falls back to the inbox for a contact id that is not valid percent-encoding', () => {
    expect(routeOf('#/inbox/%E0')).toEqual({ page: 'inbox' });
    expect(routeOf('#/inbox/%')).toEqual({ page: 'inbox' });
    expect(routeOf('#/inbox/%ZZ')).toEqual({ page: 'inbox' });
  });
});

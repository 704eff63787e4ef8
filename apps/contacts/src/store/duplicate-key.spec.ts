import { isDuplicateKeyError } from './duplicate-key';

describe('isDuplicateKeyError', () => {
  it('recognises MongoDB’s duplicate key error', () => {
    expect(isDuplicateKeyError({ code: 11000, message: 'E11000 duplicate key error' })).toBe(true);
  });

  it('recognises FerretDB’s unique violation on an update', () => {
    const error = {
      code: 1,
      codeName: 'InternalError',
      message:
        '[msg_update.go:133 handler.(*Handler).updateDocument] ERROR: duplicate key value violates unique constraint "tags_idx" (SQLSTATE 23505)',
    };
    expect(isDuplicateKeyError(error)).toBe(true);
  });

  it('leaves other store errors alone', () => {
    expect(isDuplicateKeyError({ code: 1, message: 'dial tcp 127.0.0.1:54329: connection refused' })).toBe(
      false,
    );
    expect(isDuplicateKeyError(new Error('boom'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
  });
});

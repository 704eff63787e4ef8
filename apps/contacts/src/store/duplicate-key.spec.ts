import { duplicateKeyPositions, isDuplicateKeyError } from './duplicate-key';

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

describe('duplicateKeyPositions', () => {
  const duplicate = { code: 11000, errmsg: 'E11000 duplicate key error collection: db.messages' };

  it('reads the positions from the driver’s write errors and from mongoose’s copies of them', () => {
    expect(duplicateKeyPositions({ writeErrors: [{ index: 2, ...duplicate }] })).toEqual([2]);
    expect(duplicateKeyPositions({ writeErrors: { index: 1, ...duplicate } })).toEqual([1]);
    expect(
      duplicateKeyPositions({
        writeErrors: [
          { index: 0, err: duplicate },
          { index: 3, err: duplicate },
        ],
      }),
    ).toEqual([0, 3]);
  });

  it('is null when any refusal is not a duplicate, or there are none', () => {
    const other = { index: 1, code: 2, errmsg: 'bad value' };
    expect(duplicateKeyPositions({ writeErrors: [{ index: 0, ...duplicate }, other] })).toBeNull();
    expect(duplicateKeyPositions(new Error('connection closed'))).toBeNull();
  });
});

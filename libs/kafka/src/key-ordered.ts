/**
 * Handles a batch of one partition's records in key order: the records of one key one after
 * another, in offset order, and different keys at the same time, at most `concurrency` keys at
 * once. Kafka orders records only within a key's partition, so this keeps every order a
 * producer can rely on, and a slow key holds back only its own records. `keyOf` says what a
 * record's key is (its Kafka key, or what the record is about).
 *
 * A key stops at its first failed record. After a failure no further key starts; the keys under
 * way finish, and then the first failure is thrown, so that the batch can be handled again
 * (record by record, with the consumer's retries and dead-lettering) without overlapping work.
 */
export async function eachKeyInOrder<T>(
  records: readonly T[],
  keyOf: (record: T) => string,
  concurrency: number,
  handle: (record: T) => Promise<void>,
): Promise<void> {
  const byKey = new Map<string, T[]>();
  for (const record of records) {
    const key = keyOf(record);
    const keyRecords = byKey.get(key);
    if (keyRecords) {
      keyRecords.push(record);
    } else {
      byKey.set(key, [record]);
    }
  }
  const waiting = [...byKey.values()];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let keyRecords = waiting.shift(); keyRecords && !failure; keyRecords = waiting.shift()) {
      try {
        for (const record of keyRecords) {
          await handle(record);
        }
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, waiting.length)) }, worker));
  if (failure) {
    throw failure.error;
  }
}

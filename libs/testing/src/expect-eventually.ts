export interface EventuallyOptions {
  /** How long the assertion may keep failing; with `progress`, how long progress may stall. */
  timeoutMs?: number;
  intervalMs?: number;
  /**
   * A measure of progress (a count, a string of counts): each time it changes, the deadline moves
   * `timeoutMs` on. A slow machine then only takes longer; what fails is work that stopped.
   */
  progress?: () => unknown;
}

/**
 * Retries an assertion until it passes or the time is up, then rethrows its last failure.
 * For asynchronous outcomes (Kafka, consumers); never a fixed sleep.
 */
export async function expectEventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 50, progress }: EventuallyOptions = {},
): Promise<T> {
  let deadline = Date.now() + timeoutMs;
  let lastProgress = progress ? JSON.stringify(await progress()) : undefined;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (progress) {
        const current = JSON.stringify(await progress());
        if (current !== lastProgress) {
          lastProgress = current;
          deadline = Date.now() + timeoutMs;
        }
      }
      if (Date.now() >= deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

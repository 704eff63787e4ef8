/** Stops the containers the setup started; the local stack stays up for the next run. */
export default async function globalTeardown(): Promise<void> {
  const containers = (globalThis as { containers?: { stop(): Promise<unknown> }[] }).containers ?? [];
  await Promise.all(containers.map((container) => container.stop()));
}

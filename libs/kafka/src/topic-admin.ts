import type { Admin, Kafka } from 'kafkajs';
import type { TopicSpec } from '@switchboard/contracts';

/**
 * Creates the topics that do not exist yet; existing ones are left as they are.
 * Returns the names it created.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) {
      return [];
    }
    await admin.createTopics({
      // kafkajs's own wait gives up on the broker's transient "unknown topic" answers; ours retries.
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: -1,
        configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForLeaders(
      admin,
      missing.map((spec) => spec.name),
    );
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.every((topic) => topic.partitions.every((partition) => partition.leader >= 0))) {
        return;
      }
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

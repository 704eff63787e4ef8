/**
 * Creates the deployment's topics (idempotently): the one owner of topic creation.
 * Reads KAFKA_BROKERS, TOPIC_PREFIX and TOPIC_PARTITIONS like the services do.
 */
import { parseEnvironment, ServiceSettings } from '@switchboard/config';
import { topicNames, topicSpecs } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';

async function main(): Promise<void> {
  const settings = parseEnvironment(ServiceSettings);
  const kafka = createKafkaClient('switchboard-topics', settings.KAFKA_BROKERS);
  const specs = topicSpecs(topicNames(settings.TOPIC_PREFIX), settings.TOPIC_PARTITIONS);
  const created = await ensureTopics(kafka, specs);
  console.log(JSON.stringify({ msg: 'topics ready', created: created.length, total: specs.length }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

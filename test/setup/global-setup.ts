import 'tsconfig-paths/register';
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { topicNames, topicSpecs } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import { chooseInfrastructure } from '@switchboard/testing';

const TEST_PARTITIONS = 3;

/**
 * Finds real infrastructure for the integration suites and gives this run its own topic
 * prefix and database, so runs can repeat and overlap. Jest passes values to the test
 * workers only through `process.env`.
 */
export default async function globalSetup(): Promise<void> {
  const source = chooseInfrastructure();
  // The fault suite restarts the broker and the store only when they are the local stack's.
  process.env.INTEGRATION_INFRASTRUCTURE = source;
  if (source === 'testcontainers') {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    const [kafka, mongo] = await Promise.all([
      new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
      new MongoDBContainer('mongo:8.0').start(),
    ]);
    process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    process.env.MONGODB_URI = `${mongo.getConnectionString()}/?directConnection=true`;
    (globalThis as { containers?: unknown[] }).containers = [kafka, mongo];
  } else if (source === 'local-stack') {
    // The stack's own output goes to a file; a failure to come up prints it.
    const stackLog = resolve(__dirname, '../../artifacts/stack-up.log');
    mkdirSync(dirname(stackLog), { recursive: true });
    const output = openSync(stackLog, 'w');
    try {
      execFileSync('bash', [resolve(__dirname, '../../stack/stack.sh'), 'up'], {
        stdio: ['ignore', output, output],
      });
    } catch (error) {
      console.error(readFileSync(stackLog, 'utf8'));
      throw error;
    } finally {
      closeSync(output);
    }
    const stackEnvironment = execFileSync('bash', [
      resolve(__dirname, '../../stack/stack.sh'),
      'env',
    ]).toString();
    for (const line of stackEnvironment.trim().split('\n')) {
      const [name, ...value] = line.split('=');
      process.env[name] ??= value.join('=');
    }
  }
  const runId = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  process.env.TOPIC_PREFIX = `test-${runId}.`;
  process.env.TOPIC_PARTITIONS = String(TEST_PARTITIONS);
  process.env.MONGODB_DB = `test_${runId}`;
  const kafka = createKafkaClient('switchboard-test-setup', process.env.KAFKA_BROKERS!.split(','));
  await ensureTopics(kafka, topicSpecs(topicNames(process.env.TOPIC_PREFIX), TEST_PARTITIONS));
  console.log(
    `\nintegration infrastructure: ${source} (kafka ${process.env.KAFKA_BROKERS}, store ${process.env.MONGODB_URI}), ` +
      `topic prefix ${process.env.TOPIC_PREFIX}, database ${process.env.MONGODB_DB}`,
  );
}

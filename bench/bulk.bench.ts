/**
 * bench:bulk — how fast background jobs change contacts, end to end (gateway → command →
 * contacts service job runner → store → one event per changed contact):
 *   1. bulk tagging of a list of ids (`POST /v1/bulk/tags` with `contactIds`),
 *   2. bulk untagging of a segment (`segment: {all: [...]}`),
 *   3. a catalog rename reaching every tagged contact (`PATCH /v1/tags/{id}`).
 * Prints contacts changed per second for each, from the request until the job reports done.
 *
 *   npm run bench:bulk [-- --contacts 10000]   (or BENCH_CONTACTS)
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { topicNames, topicSpecs, type JobView } from '@switchboard/contracts';
import { createKafkaClient, ensureTopics } from '@switchboard/kafka';
import {
  aBenchToken,
  brokers,
  ensureLocalStack,
  mongoUri,
  postJson,
  removeRun,
  seedContacts,
  startApi,
  type SeedTag,
} from './bench-support';

const { values: options } = parseArgs({
  options: { contacts: { type: 'string', default: process.env.BENCH_CONTACTS ?? '10000' } },
});
const CONTACTS = Number(options.contacts);
const TENANT = 'bench-bulk';
const CATALOG: SeedTag[] = [{ tagId: 't_bench_loyal', name: 'Loyal' }];
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

async function jobDone(gatewayUrl: string, token: string, jobId: string): Promise<JobView> {
  for (;;) {
    const job = (await (
      await fetch(`${gatewayUrl}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as JobView;
    if (job.status !== 'running') {
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts a job with `start` (which answers with its job id) and reports its rate once done. */
async function measure(
  what: string,
  gatewayUrl: string,
  token: string,
  start: () => Promise<string>,
): Promise<void> {
  const startedAt = Date.now();
  const jobId = await start();
  const job = await jobDone(gatewayUrl, token, jobId);
  const seconds = (Date.now() - startedAt) / 1000;
  console.log(
    `  ${what.padEnd(38)} ${thousands(job.changed)} changed of ${thousands(job.processed)} in ${seconds.toFixed(1)} s: ${thousands(job.changed / seconds)} contacts/s (${job.status})`,
  );
}

async function main(): Promise<void> {
  ensureLocalStack();
  const prefix = `benchbulk-${Date.now().toString(36)}.`;
  const database = prefix.replace(/[.-]/g, '_');
  console.log(`bench:bulk — jobs over ${thousands(CONTACTS)} contacts (topics ${prefix}*)`);
  const client = await MongoClient.connect(mongoUri());
  // Every contact carries `Loyal`, so the rename reaches all of them.
  await seedContacts(client.db(database), {
    tenantId: TENANT,
    count: CONTACTS,
    catalog: CATALOG,
    contactId: (index) => `c_bulk_${index}`,
    fieldsOf: (index) => ({
      identities: [{ channel: 'whatsapp', address: `+1${String(3_200_000_000 + index)}` }],
      tags: [0],
    }),
  });
  const kafka = createKafkaClient('bench-bulk', brokers());
  await ensureTopics(kafka, topicSpecs(topicNames(prefix), 12));
  const api = await startApi(prefix, { TOPIC_PREFIX: prefix, MONGODB_DB: database, LOG_LEVEL: 'warn' });
  const agent = aBenchToken(TENANT, 'agent');
  const admin = aBenchToken(TENANT, 'admin');
  const url = api.gateway.url;
  try {
    const ids = Array.from({ length: CONTACTS }, (_, index) => `c_bulk_${index}`);
    await measure('bulk tag, by a list of ids', url, agent, async () => {
      const answer = await postJson(`${url}/v1/bulk/tags`, agent, {
        action: 'add',
        tags: ['Wave'],
        contactIds: ids,
      });
      return ((await answer.json()) as JobView).jobId;
    });
    await measure('bulk untag, by a segment', url, agent, async () => {
      const answer = await postJson(`${url}/v1/bulk/tags`, agent, {
        action: 'remove',
        tags: ['Wave'],
        segment: { all: ['wave'] },
      });
      return ((await answer.json()) as JobView).jobId;
    });
    await measure('catalog rename, every tagged contact', url, admin, async () => {
      const answer = await fetch(`${url}/v1/tags/${CATALOG[0].tagId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Gold' }),
      });
      return ((await answer.json()) as { jobId: string }).jobId;
    });
  } finally {
    await api.stop();
    await removeRun(kafka, prefix, database);
    await client.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

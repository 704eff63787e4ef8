/**
 * Fills the demo tenant of a running system (`npm start`) with what an inbox looks like after a
 * few days: contacts whose conversations came in over several channels, a tag catalog with
 * colours, tagged and annotated contacts, a blocked and a temporarily blocked customer, a saved
 * segment and a campaign. Only the public API and the signed channel webhook are used, as any
 * client would. Running it again adds nothing twice (message ids are fixed; names already taken
 * are kept). Prints the console's address and a token to sign in with.
 *   npm run demo [-- --contacts 300]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sign } from 'jsonwebtoken';
import { contactIdFor, type Identity } from '@switchboard/contracts';
import { signWebhook, SIGNATURE_HEADER } from '../apps/gateway/src/inbound/webhook-signature';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '300' },
    tenant: { type: 'string', default: process.env.DEMO_TENANT ?? 'demo' },
    gateway: { type: 'string', default: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000' },
  },
});
const tenant = values.tenant;
const gateway = values.gateway;
const contactCount = Number(values.contacts);
const PARALLEL_REQUESTS = 16;
const WAIT_FOR_CONTACTS_MS = 300_000;

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Tim',
];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie'];
const GREETINGS = [
  'Hi, is my order on its way?',
  'Do you ship to Lisbon?',
  'I would like to change my delivery address.',
  'Thanks, that solved it!',
  'Can I get an invoice for last month?',
  'Is the spring collection out yet?',
];
const TAGS = [
  { name: 'VIP', colour: '#d62728', description: 'top spenders' },
  { name: 'new-lead', colour: '#1f77b4', description: 'first contact in the last week' },
  { name: 'churn-risk', colour: '#ff7f0e', description: 'quiet for a while, or unhappy' },
  { name: 'wholesale', colour: '#2ca02c', description: 'buys for a shop' },
  { name: 'support', colour: '#9467bd', description: 'has an open support question' },
];
const PLANS = ['free', 'pro', 'business'];

interface DemoContact {
  index: number;
  name: string;
  identity: Identity;
  contactId: string;
}

function token(role: 'admin' | 'agent', subject: string, ttlSeconds = 8 * 3600): string {
  const secret = process.env.JWT_SECRET ?? 'switchboard-local-development-secret-please-change';
  return sign({ tenant, role }, secret, {
    algorithm: 'HS256',
    subject,
    issuer: process.env.JWT_ISSUER ?? 'switchboard',
    audience: process.env.JWT_AUDIENCE ?? 'switchboard-api',
    expiresIn: ttlSeconds,
  });
}

function webhookSecret(): string {
  const entry = (process.env.WEBHOOK_SECRETS ?? '')
    .split(',')
    .map((pair) => pair.split('='))
    .find(([name]) => name === tenant);
  if (!entry?.[1]) {
    throw new Error(
      `WEBHOOK_SECRETS has no secret for tenant ${tenant} (scripts/local.env sets one for demo)`,
    );
  }
  return entry[1];
}

/** The n-th customer: the same one on every run, on one of four channels. */
function demoContact(index: number): DemoContact {
  const name = `${FIRST_NAMES[index % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(index / 10) % LAST_NAMES.length]}`;
  const number = String(5550000 + index).padStart(7, '0');
  const identities: Identity[] = [
    { channel: 'whatsapp', address: `+1415${number}` },
    { channel: 'sms', address: `+4420${number}1` },
    { channel: 'telegram', address: `@demo_${index}` },
    { channel: 'instagram', address: `demo.customer.${index}` },
  ];
  const identity = identities[index % identities.length];
  return { index, name, identity, contactId: contactIdFor(tenant, identity) };
}

interface Answer {
  status: number;
  body: unknown;
}

/** A short digest of a request body, so each distinct call gets its own idempotency key. */
function digest(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex')
    .slice(0, 16);
}

async function call(method: string, path: string, bearer: string, body?: unknown): Promise<Answer> {
  const response = await fetch(new URL(path, gateway), {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      // The same call on a second run applies once (the key names the call, not the run).
      ...(method !== 'GET' && { 'idempotency-key': `demo:${method}:${path}:${digest(body)}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function expectOk(what: string, answer: Promise<Answer>, also: number[] = []) {
  const { status, body } = await answer;
  if (status >= 300 && !also.includes(status)) {
    throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  }
  return body;
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL_REQUESTS }, async () => {
      while (next < items.length) {
        await work(items[next++]);
      }
    }),
  );
}

async function sendMessage(
  secret: string,
  contact: DemoContact,
  sequence: number,
  sentAt: Date,
  text: string,
) {
  const raw = JSON.stringify({
    messageId: `demo-${contact.index}-${sequence}`,
    channel: contact.identity.channel,
    from: contact.identity.address,
    to: 'switchboard-demo',
    type: 'text',
    content: { text },
    sentAt: sentAt.toISOString(),
    profile: { name: contact.name },
  });
  const response = await fetch(new URL(`/v1/inbound/${tenant}/messages`, gateway), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(Date.now() / 1000), raw),
    },
    body: raw,
  });
  if (response.status !== 202) {
    throw new Error(`webhook: ${response.status} ${await response.text()}`);
  }
}

/** Waits until every sender is a contact, saying how far it got; the deadline moves with progress. */
async function untilContactsExist(agent: string, contacts: DemoContact[]): Promise<void> {
  const missing = new Set(contacts.map((contact) => contact.contactId));
  let deadline = Date.now() + WAIT_FOR_CONTACTS_MS;
  while (missing.size > 0) {
    const before = missing.size;
    await inParallel([...missing], async (contactId) => {
      const { status } = await call('GET', `/v1/contacts/${contactId}`, agent);
      if (status === 200) {
        missing.delete(contactId);
      }
    });
    process.stdout.write(
      `${process.stdout.isTTY ? '\r' : '\n'}  contacts created from their first message: ${contacts.length - missing.size}/${contacts.length}`,
    );
    if (missing.size < before) {
      deadline = Date.now() + WAIT_FOR_CONTACTS_MS;
    } else if (Date.now() > deadline) {
      throw new Error(`${missing.size} contacts did not appear; is the contacts service running?`);
    }
    if (missing.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  process.stdout.write('\n');
}

async function main(): Promise<void> {
  const ready = await fetch(new URL('/health/ready', gateway)).catch(() => undefined);
  if (!ready?.ok) {
    throw new Error(`the gateway at ${gateway} is not ready: start the system first (npm start)`);
  }
  const secret = webhookSecret();
  const admin = token('admin', 'demo-admin');
  const agent = token('agent', 'demo-agent');
  const contacts = Array.from({ length: contactCount }, (_, index) => demoContact(index));
  const now = Date.now();

  console.log(
    `demo tenant ${tenant}: ${contactCount} customers writing in over whatsapp, sms, telegram, instagram`,
  );
  for (const tag of TAGS) {
    await expectOk(`tag ${tag.name}`, call('POST', '/v1/tags', admin, tag), [409]);
  }

  // Conversations: two to four messages each, spread over the last ten days.
  const messages = contacts.flatMap((contact) =>
    Array.from({ length: 2 + (contact.index % 3) }, (_, sequence) => ({ contact, sequence })),
  );
  await inParallel(messages, ({ contact, sequence }) => {
    const ageMs = ((contact.index * 7919) % (10 * 24 * 60)) * 60_000 - sequence * 90_000;
    return sendMessage(
      secret,
      contact,
      sequence,
      new Date(now - Math.max(ageMs, 0)),
      GREETINGS[(contact.index + sequence) % GREETINGS.length],
    );
  });
  console.log(`  ${messages.length} messages sent through the signed webhook`);
  await untilContactsExist(agent, contacts);

  // Profiles of a fifth of the customers, with attributes segments can use.
  await inParallel(
    contacts.filter((contact) => contact.index % 5 === 0),
    (contact) =>
      expectOk(
        `profile of ${contact.contactId}`,
        call('PATCH', `/v1/contacts/${contact.contactId}`, agent, {
          email: `customer${contact.index}@example.com`,
          attributes: {
            plan: PLANS[contact.index % PLANS.length],
            city: contact.index % 2 ? 'Lisbon' : 'Berlin',
          },
        }),
      ),
  );
  const tagged: [string, (contact: DemoContact) => boolean][] = [
    ['VIP', (contact) => contact.index % 7 === 0],
    ['new-lead', (contact) => contact.index % 4 === 1],
    ['churn-risk', (contact) => contact.index % 11 === 3],
    ['wholesale', (contact) => contact.index % 9 === 2],
    ['support', (contact) => contact.index % 6 === 5],
  ];
  for (const [tag, holds] of tagged) {
    await expectOk(
      `bulk tag ${tag}`,
      call('POST', '/v1/bulk/tags', agent, {
        action: 'add',
        tags: [tag],
        contactIds: contacts.filter(holds).map((contact) => contact.contactId),
      }),
    );
  }
  console.log('  profiles, tags (bulk jobs) written');

  await inParallel(
    contacts.filter((contact) => contact.index % 15 === 0),
    (contact) =>
      expectOk(
        `note on ${contact.contactId}`,
        call('POST', `/v1/contacts/${contact.contactId}/notes`, agent, {
          body: `Called ${contact.name.split(' ')[0]} about the last order; @demo-admin please follow up on the refund.`,
        }),
      ),
  );

  const [blocked, cooling] = [contacts[1], contacts[2]];
  await expectOk(
    'block',
    call('POST', `/v1/contacts/${blocked.contactId}/block`, agent, { reason: 'spam links' }),
  );
  await expectOk(
    'temporary block',
    call('POST', `/v1/contacts/${cooling.contactId}/block`, agent, {
      reason: 'abusive language',
      durationSeconds: 3600,
    }),
  );
  // The blocked customer tries again: the console counts the dropped attempts.
  await sendMessage(secret, blocked, 100, new Date(), 'why can I not reach you?');
  await sendMessage(secret, blocked, 101, new Date(), 'hello??');

  const segment = await expectOk(
    'segment',
    call('POST', '/v1/segments', agent, {
      name: 'VIPs on a paid plan',
      definition: { all: ['VIP'], match: { not: { attribute: 'plan', eq: 'free' } } },
    }),
    [409],
  );
  const segmentId = (segment as { segmentId?: string } | undefined)?.segmentId;
  if (segmentId) {
    await expectOk(
      'campaign',
      call('POST', '/v1/campaigns', admin, {
        name: 'Spring preview for VIPs',
        message: { text: 'Our spring collection is out: you see it first.' },
        segmentId,
      }),
    );
  }
  console.log('  notes, a blocked and a temporarily blocked customer, a saved segment and a campaign');
  console.log(`
The console:  ${gateway}/console/
Sign in with this agent token (8 hours):

${agent}

An admin token (catalog, campaigns): npm run -s token -- --tenant ${tenant} --sub demo-admin --role admin`);
}

main().catch((error: unknown) => {
  console.error(`demo: ${(error as Error).message}`);
  process.exit(1);
});

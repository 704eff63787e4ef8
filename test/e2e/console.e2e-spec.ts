import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  aTenantId,
  aWhatsappIdentity,
  anInboundMessage,
  expectEventually,
  mintToken,
} from '@switchboard/testing';
import { http } from '../support/http';
import { startSystem, type System } from '../support/system';
import { postInbound } from '../support/webhook';
import { buildConsole, systemChromium } from './browser';

const screenshots = resolve(__dirname, '../../artifacts/console');
/** How long the page may take to show what the system did (playwright waits, expectEventually polls). */
const WAIT = { timeout: 20_000 };
const EVENTUALLY = { timeoutMs: 20_000, intervalMs: 100 };

/**
 * The agent console in Debian's headless Chromium against the real stack (gateway, contacts,
 * message filter, Kafka, the store): what an agent does in the chat screen, end to end.
 */
describe('the agent console', () => {
  const tenant = aTenantId();
  const otherTenant = aTenantId();
  const secret = `whsec-${randomUUID()}`;
  const agent = mintToken({ tenant, sub: 'agent-7', role: 'agent', expiresInSeconds: 1_800 });
  const admin = mintToken({ tenant, sub: 'admin-1', role: 'admin', expiresInSeconds: 1_800 });
  const otherAgent = mintToken({
    tenant: otherTenant,
    sub: 'agent-9',
    role: 'agent',
    expiresInSeconds: 1_800,
  });
  const ada = aWhatsappIdentity();
  const grace = aWhatsappIdentity();
  const linus = aWhatsappIdentity();
  let system: System;
  let browser: Browser;
  let adaId: string;
  let graceId: string;
  const url = (path: string) => `${system.gateway.url}${path}`;

  async function say(from: string, text: string, name?: string, channel = 'whatsapp'): Promise<string> {
    const { tenantId: _tenant, ...message } = anInboundMessage({
      channel,
      from,
      content: { text },
      ...(name && { profile: { name } }),
    });
    expect((await postInbound(system.gateway.url, tenant, secret, message)).status).toBe(202);
    return message.messageId;
  }

  async function contactIdOf(address: string, messages: number): Promise<string> {
    return expectEventually(
      async () => {
        const inbox = await http('GET', url('/v1/conversations?limit=50'), { token: agent });
        const entry = inbox.body.items.find((item: any) => item.contact.identities[0].address === address);
        expect(entry?.contact.counters.accepted).toBe(messages);
        return entry.contact.contactId as string;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  async function signedIn(token: string, hash = '#/inbox'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(url(`/console/${hash}`));
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return page;
  }

  beforeAll(async () => {
    const executablePath = systemChromium();
    const consoleDir = buildConsole();
    mkdirSync(screenshots, { recursive: true });
    system = await startSystem({
      withFilter: true,
      gatewayEnvironment: { WEBHOOK_SECRETS: `${tenant}=${secret}`, CONSOLE_DIR: consoleDir },
    });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

    // A small tenant: a catalog with colours, three customers who wrote in.
    for (const tag of [
      { name: 'VIP', colour: '#c62828', description: 'top spenders' },
      { name: 'wholesale', colour: '#1565c0' },
      { name: 'churn-risk', colour: '#f9a825' },
    ]) {
      expect((await http('POST', url('/v1/tags'), { token: admin, body: tag })).status).toBe(201);
    }
    await say(linus.address, 'Is the API rate limited?', 'Linus Torvalds');
    await say(grace.address, 'Can I change my delivery address?', 'Grace Hopper');
    await say(ada.address, 'Hi! My order #1042 has not arrived yet.', 'Ada Lovelace');
    await say(ada.address, '<img src=x onerror="document.title=1">Still waiting… <b>please</b> help');
    adaId = await contactIdOf(ada.address, 2);
    const linusId = await contactIdOf(linus.address, 1);
    graceId = await contactIdOf(grace.address, 1);
    for (const [contactId, tags] of [
      [linusId, ['VIP', 'wholesale']],
      [graceId, ['VIP']],
    ] as const) {
      expect(
        (await http('POST', url(`/v1/contacts/${contactId}/tags`), { token: agent, body: { tags } })).status,
      ).toBe(200);
    }
    expect(
      (await http('POST', url(`/v1/contacts/${linusId}/block`), { token: agent, body: { reason: 'spam' } }))
        .status,
    ).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('opens a conversation, blocks with confirmation, drops and counts, unblocks, tags and notes', async () => {
    const page = await signedIn(agent);

    // The inbox: newest first, with previews, tag chips and the blocked marker.
    const conversations = page.getByRole('list', { name: 'Conversations' }).getByRole('link');
    await expectEventually(async () => expect(await conversations.count()).toBe(3), EVENTUALLY);
    expect(await conversations.nth(0).innerText()).toContain('Ada Lovelace');
    expect(await conversations.nth(0).innerText()).toContain('Still waiting');
    expect(await conversations.nth(2).innerText()).toMatch(/Linus Torvalds[\s\S]*Blocked[\s\S]*VIP/);
    await page.getByLabel('Status').selectOption('true');
    await expectEventually(async () => {
      expect(await conversations.count()).toBe(1);
      expect(await conversations.nth(0).innerText()).toContain('Linus');
    }, EVENTUALLY);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Tag').selectOption('VIP');
    await expectEventually(async () => expect(await conversations.count()).toBe(2), EVENTUALLY);
    await page.getByLabel('Tag').selectOption('');
    await expectEventually(async () => expect(await conversations.count()).toBe(3), EVENTUALLY);
    await page.screenshot({ path: `${screenshots}/inbox.png` });

    // Open Ada's conversation: her messages, escaped as text, live.
    await conversations.nth(0).click();
    const messages = page.getByRole('list', { name: 'Messages' });
    await messages.getByText('My order #1042 has not arrived yet').waitFor(WAIT);
    await messages
      .getByText('<img src=x onerror="document.title=1">Still waiting… <b>please</b> help')
      .waitFor(WAIT);
    expect(await messages.locator('img, b').count()).toBe(0);
    await page.getByText('Live', { exact: true }).waitFor(WAIT);

    // Block, with a confirmation dialog and a reason; Escape cancels it, from the keyboard.
    const dialog = page.getByRole('dialog', { name: 'Block Ada Lovelace?' });
    await page.getByRole('button', { name: 'Block', exact: true }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor(WAIT);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ ...WAIT, state: 'detached' });
    await page.getByRole('button', { name: 'Block', exact: true }).click();
    await dialog.getByLabel('Reason (visible to your team)').fill('abusive language');
    await page.screenshot({ path: `${screenshots}/block-dialog.png` });
    await dialog.getByRole('button', { name: 'Block customer' }).click();
    await page.getByText('This customer is blocked and cannot send messages.').waitFor(WAIT);
    await page.getByText('0 attempts dropped since blocking').waitFor(WAIT);

    // A message from Ada through the webhook: dropped, counted, never shown.
    await say(ada.address, 'Are you ignoring me?');
    await page.getByText('1 attempt dropped since blocking').waitFor(WAIT);
    expect(await messages.innerText()).not.toContain('Are you ignoring me?');
    await say(ada.address, 'Hello??');
    await page.getByText('2 attempts dropped since blocking').waitFor(WAIT);
    expect(await messages.innerText()).not.toContain('Hello??');
    await page.screenshot({ path: `${screenshots}/blocked.png` });

    // Unblock, confirmed in a dialog (no reason given): the banner goes, and the next message appears.
    await page.getByRole('button', { name: 'Unblock', exact: true }).click();
    await page
      .getByRole('dialog', { name: 'Unblock Ada Lovelace?' })
      .getByRole('button', { name: 'Unblock customer' })
      .click();
    await page
      .getByText('This customer is blocked and cannot send messages.')
      .waitFor({ ...WAIT, state: 'detached' });
    await say(ada.address, 'Thanks, it arrived today!');
    await messages.getByText('Thanks, it arrived today!').waitFor(WAIT);
    expect(await messages.innerText()).not.toContain('Are you ignoring me?');
    // The inbox follows the open conversation: Ada's preview is her new message, not blocked.
    await expectEventually(async () => {
      const entry = await conversations.nth(0).innerText();
      expect(entry).toContain('Thanks, it arrived today!');
      expect(entry).not.toContain('Blocked');
    }, EVENTUALLY);

    // A tag typed in, one picked from the catalog, and a note.
    await page.getByLabel('Add a tag').fill('Early adopter');
    await page.getByRole('button', { name: 'Add tag', exact: true }).click();
    const tags = page.getByRole('list', { name: 'Tags on this customer' });
    await tags.getByText('Early adopter').waitFor(WAIT);
    await page.getByRole('button', { name: 'Add tag VIP' }).click();
    await tags.getByText('VIP').waitFor(WAIT);
    await expectEventually(
      async () => expect(await conversations.nth(0).innerText()).toMatch(/Early adopter[\s\S]*VIP/),
      EVENTUALLY,
    );
    await page.getByLabel('New note').fill('Prefers email; order #1042 re-shipped on Monday.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page
      .getByRole('list', { name: 'Notes' })
      .getByText('Prefers email; order #1042 re-shipped on Monday.')
      .waitFor(WAIT);

    // The activity says who blocked, why, and who tagged and noted.
    const activity = page.getByRole('region', { name: 'Activity' });
    await expectEventually(async () => {
      const text = await activity.innerText();
      expect(text).toContain('agent-7 blocked · reason: “abusive language”');
      expect(text).toContain('agent-7 unblocked');
      expect(text).toContain('agent-7 tagged');
      expect(text).toContain('agent-7 added a note');
    }, EVENTUALLY);
    await page.screenshot({ path: `${screenshots}/conversation.png` });

    // What the API has now agrees.
    const details = await http('GET', url(`/v1/contacts/${adaId}`), { token: agent });
    expect(details.body.tags).toEqual(['Early adopter', 'VIP']);
    expect(details.body.counters).toEqual({ accepted: 3, blocked: 2 });
    await page.context().close();
  });

  it("shows the block policy's refusal in the dialogs, which stay open until a reason is given", async () => {
    const setPolicy = async (reasonRequired: boolean) =>
      expect(
        (
          await http('PUT', url('/v1/settings/block-policy'), {
            token: admin,
            body: { whoMayBlock: 'agents', reasonRequired },
          })
        ).status,
      ).toBe(200);
    await setPolicy(true);
    try {
      const page = await signedIn(agent, `#/inbox/${encodeURIComponent(graceId)}`);
      await page.getByText('Live', { exact: true }).waitFor(WAIT);
      const banner = page.getByText('This customer is blocked and cannot send messages.');

      // Block without a reason: the gateway's 403 is shown in the dialog, which stays open.
      await page.getByRole('button', { name: 'Block', exact: true }).click();
      const blockDialog = page.getByRole('dialog', { name: 'Block Grace Hopper?' });
      await blockDialog.getByRole('button', { name: 'Block customer' }).click();
      await blockDialog
        .getByRole('alert')
        .getByText("the tenant's block policy requires a reason to block a contact")
        .waitFor(WAIT);
      expect(await banner.count()).toBe(0);
      await blockDialog.getByLabel('Reason (visible to your team)').fill('chargeback fraud');
      await blockDialog.getByRole('button', { name: 'Block customer' }).click();
      await blockDialog.waitFor({ ...WAIT, state: 'detached' });
      await banner.waitFor(WAIT);

      // The same for the unblock.
      await page.getByRole('button', { name: 'Unblock', exact: true }).click();
      const unblockDialog = page.getByRole('dialog', { name: 'Unblock Grace Hopper?' });
      await unblockDialog.getByRole('button', { name: 'Unblock customer' }).click();
      await unblockDialog
        .getByRole('alert')
        .getByText("the tenant's block policy requires a reason to unblock a contact")
        .waitFor(WAIT);
      await page.screenshot({ path: `${screenshots}/unblock-reason-required.png` });
      expect(await banner.count()).toBe(1);
      await unblockDialog.getByLabel('Reason (visible to your team)').fill('refund settled');
      await unblockDialog.getByRole('button', { name: 'Unblock customer' }).click();
      await unblockDialog.waitFor({ ...WAIT, state: 'detached' });
      await banner.waitFor({ ...WAIT, state: 'detached' });

      const details = await http('GET', url(`/v1/contacts/${graceId}`), { token: agent });
      expect(details.body.block.blocked).toBe(false);
      const activity = await http('GET', url(`/v1/contacts/${graceId}/activity`), { token: agent });
      expect(activity.body.items.slice(0, 2)).toMatchObject([
        { type: 'ContactUnblocked', actor: { id: 'agent-7' } },
        { type: 'ContactBlocked', actor: { id: 'agent-7' }, details: { reason: 'chargeback fraud' } },
      ]);
      await page.context().close();
    } finally {
      await setPolicy(false);
    }
  });

  it('falls back to the inbox for a malformed link, and asks to sign in again when the token expires', async () => {
    const page = await signedIn(agent, '#/inbox/%E0');
    await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().waitFor(WAIT);
    await page.getByText('Choose a conversation from the inbox.').waitFor(WAIT);

    // A token that expires while the conversation is open: the stream ends, the reconnect
    // gets 401, and the console goes back to the sign-in screen saying why.
    const shortLived = mintToken({ tenant, sub: 'agent-7', role: 'agent', expiresInSeconds: 5 });
    const expiring = await signedIn(shortLived, `#/inbox/${encodeURIComponent(adaId)}`);
    await expiring.getByText('Live', { exact: true }).waitFor(WAIT);
    await expiring.getByText('Your session has ended').waitFor({ timeout: 30_000 });
    await expiring.getByLabel('Access token').waitFor(WAIT);
    await page.context().close();
    await expiring.context().close();
  });

  it("does not open a contact for another tenant's agent", async () => {
    const page = await signedIn(otherAgent, `#/inbox/${encodeURIComponent(adaId)}`);
    await page.getByText('This conversation does not exist.').waitFor(WAIT);
    await page.getByText('No conversations yet.').waitFor(WAIT);
    expect(await page.locator('body').innerText()).not.toContain('Ada Lovelace');
    expect((await http('GET', url(`/v1/contacts/${adaId}`), { token: otherAgent })).status).toBe(404);
    await page.context().close();
  });

  it('builds a segment with a live count, saves it and starts a campaign without the blocked', async () => {
    const page = await signedIn(admin, '#/segments');
    await page.getByLabel('Has all of: tag to add').fill('VIP');
    await page.getByLabel('Has all of: tag to add').press('Enter');
    // Ada, Grace and Linus carry VIP; Linus is blocked.
    await expectEventually(async () => {
      expect(await page.getByTestId('segment-count').innerText()).toBe('3');
      expect(await page.getByRole('status').filter({ hasText: 'of them blocked' }).innerText()).toContain(
        '1 of them blocked',
      );
    }, EVENTUALLY);
    await page.getByLabel('Segment name').fill('VIP customers');
    await page.getByRole('button', { name: 'Save segment' }).click();
    const saved = page.getByRole('region', { name: 'Saved segments' });
    await saved.getByText('VIP customers').waitFor(WAIT);
    await saved.getByRole('button', { name: 'Start a campaign' }).click();
    await saved.getByLabel('Message to “VIP customers”').fill('Spring sale: 20% off for our VIPs');
    await saved.getByRole('button', { name: 'Send campaign' }).click();
    await saved.getByText('Campaign dispatched: 2 sent of 3; 1 blocked contacts excluded.').waitFor(WAIT);
    await page.screenshot({ path: `${screenshots}/segments.png` });
    await page.context().close();
  });

  it('shows the channel each message came from, its sender in the tooltip, and marks a dropped preview', async () => {
    // One customer on three channels: two the console names, and one it shows as spelled.
    const phone = aWhatsappIdentity();
    const telegram = { channel: 'telegram', address: `kj_${randomUUID().slice(0, 8)}` };
    const line = { channel: 'line', address: `U${randomUUID().replace(/-/g, '')}` };
    const created = await http('POST', url('/v1/contacts'), {
      token: agent,
      body: { identities: [phone, telegram, line], name: 'Katherine Johnson' },
    });
    expect(created.status).toBe(200);
    const contactId = created.body.contactId as string;
    await say(phone.address, 'Hello from my phone', undefined, 'whatsapp');
    await say(telegram.address, 'And again on Telegram', undefined, 'telegram');
    await say(line.address, 'One more on LINE', undefined, 'line');

    const page = await signedIn(agent, `#/inbox/${encodeURIComponent(contactId)}`);
    const messages = page.getByRole('list', { name: 'Messages' });
    const message = (text: string) => messages.getByRole('listitem').filter({ hasText: text });
    for (const [text, label, from] of [
      ['Hello from my phone', 'WhatsApp', phone.address],
      ['And again on Telegram', 'Telegram', telegram.address],
      ['One more on LINE', 'line', line.address],
    ] as const) {
      await message(text).waitFor(WAIT);
      const badges = message(text).getByRole('img', { name: /^via / });
      expect(await badges.count()).toBe(1);
      expect(await badges.getAttribute('aria-label')).toBe(`via ${label}`);
      expect(await badges.getAttribute('title')).toBe(`From ${from} via ${label}`);
      expect(await badges.innerText()).toBe(label);
    }
    await page.screenshot({ path: `${screenshots}/channels.png` });

    // What the API has agrees: each message's channel and sender, as the badges show them.
    const history = await http('GET', url(`/v1/contacts/${contactId}/messages`), { token: agent });
    const sent = history.body.items.map(({ channel, from }: { channel: string; from: string }) => [
      channel,
      from,
    ]);
    expect(sent.sort()).toEqual([
      ['line', line.address],
      ['telegram', telegram.address],
      ['whatsapp', phone.address],
    ]);

    // A customer blocked before writing: the inbox previews the dropped message, marked so.
    const blockedFirst = aWhatsappIdentity();
    const spammer = await http('POST', url('/v1/contacts'), {
      token: agent,
      body: { identities: [blockedFirst], name: 'Spam Bot' },
    });
    expect(spammer.status).toBe(200);
    expect(
      (
        await http('POST', url(`/v1/contacts/${spammer.body.contactId}/block`), {
          token: agent,
          body: { reason: 'spam' },
        })
      ).status,
    ).toBe(200);
    await say(blockedFirst.address, 'Buy followers now');
    const preview = page
      .getByRole('list', { name: 'Conversations' })
      .getByRole('link')
      .filter({ hasText: 'Spam Bot' });
    await preview.getByText('Buy followers now').waitFor(WAIT);
    expect(await preview.locator('.preview').innerText()).toBe('Dropped Buy followers now');
    await page.screenshot({ path: `${screenshots}/dropped-preview.png` });
    await page.context().close();
  });
});

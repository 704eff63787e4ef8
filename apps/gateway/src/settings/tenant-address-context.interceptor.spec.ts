import type { CallHandler } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { lastValueFrom, of } from 'rxjs';
import { contextDefaultCountry, type PhoneNumberSettingsView } from '@switchboard/contracts';
import { aTenantId } from '@switchboard/testing';
import { createContactAddresses } from '../contacts/contact-requests';
import type { ContactsReader } from '../contacts/contacts-reader';
import { inboundSenderAddress } from '../inbound/inbound-webhook.controller';
import { ApiError } from '../problems/api-error';
import { PhoneNumberSettingsCache } from './phone-number-settings-cache';
import { needsDefaultCountry } from './sent-addresses';
import { ReadsPhoneNumbers, TenantAddressContextInterceptor } from './tenant-address-context.interceptor';

describe("when a request needs its tenant's default country", () => {
  const contact = (...identities: unknown[]) => createContactAddresses({ identities });

  it.each([
    ['a national number on a phone channel', contact({ channel: 'whatsapp', address: '(415) 555-0123' })],
    ['digits without a +', contact({ channel: 'sms', address: '4155550123' })],
    [
      'one such number among E.164 ones',
      contact({ channel: 'voice', address: '+14155550123' }, { channel: 'sms', address: '4155550123' }),
    ],
    [
      'a webhook sender without a country code',
      inboundSenderAddress({ channel: 'whatsapp', from: '4155550123' }),
    ],
  ])('reads it for %s', (_case, addresses) => {
    expect(needsDefaultCountry(addresses)).toBe(true);
  });

  it.each([
    ['E.164 numbers only', contact({ channel: 'whatsapp', address: '+14155550123' })],
    ['addresses on other channels', contact({ channel: 'email', address: 'ada@example.com' })],
    ['a channel spelled wrong', contact({ channel: 'WhatsApp', address: '4155550123' })],
    ['an address that is no string', contact({ channel: 'sms', address: 4155550123 })],
    ['no identities', createContactAddresses({ identities: 'none' })],
    ['a body that is no object', createContactAddresses('[1]')],
    ['a webhook sender in E.164', inboundSenderAddress({ channel: 'whatsapp', from: '+14155550123' })],
    [
      'a webhook sender on another channel',
      inboundSenderAddress({ channel: 'telegram', from: '4155550123' }),
    ],
    ['a webhook body without a channel', inboundSenderAddress({ from: '4155550123' })],
  ])('goes on without it for %s', (_case, addresses) => {
    expect(needsDefaultCountry(addresses)).toBe(false);
  });
});

describe('the tenant address context', () => {
  class ContactsHandler {
    @ReadsPhoneNumbers(createContactAddresses)
    create(this: void): void {}
  }

  /** The interceptor over a contacts service that answers `defaultCountry`, or is down. */
  function anInterceptor(answer: PhoneNumberSettingsView | 'down') {
    const reads: string[] = [];
    const reader = {
      phoneNumberSettings: (tenantId: string) => {
        reads.push(tenantId);
        return answer === 'down'
          ? Promise.reject(new ApiError('dependency-unavailable', 'the contacts service did not answer'))
          : Promise.resolve(answer);
      },
    } as unknown as ContactsReader;
    const interceptor = new TenantAddressContextInterceptor(
      new PhoneNumberSettingsCache(reader),
      new Reflector(),
    );
    // The handler reports the default country its input is read with.
    const handler: CallHandler = { handle: () => of(contextDefaultCountry()) };
    const create = async (address: string) => {
      const request = {
        principal: { tenantId: aTenantId() },
        body: { identities: [{ channel: 'whatsapp', address }] },
      };
      const context = new ExecutionContextHost(
        [request, {}, undefined],
        ContactsHandler,
        ContactsHandler.prototype.create,
      );
      return lastValueFrom(await interceptor.intercept(context, handler));
    };
    return { create, reads };
  }

  it('goes on without the setting, and without reading it, when every number is E.164', async () => {
    const { create, reads } = anInterceptor('down');
    expect(await create('+14155550123')).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('fails with the read when a number may need the default country and none was ever read', async () => {
    const { create } = anInterceptor('down');
    await expect(create('4155550123')).rejects.toMatchObject({ code: 'dependency-unavailable' });
  });

  it("reads such a number within the tenant's default country", async () => {
    const { create, reads } = anInterceptor({ defaultCountry: 'US' });
    expect(await create('(415) 555-0123')).toBe('US');
    expect(reads).toHaveLength(1);
  });
});

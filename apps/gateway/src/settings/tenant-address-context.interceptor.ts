import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { withAddressContext } from '@switchboard/contracts';
import type { AuthenticatedRequest } from '../auth/principal';
import type { SignedWebhookRequest } from '../inbound/webhook-signature.guard';
import { PhoneNumberSettingsCache } from './phone-number-settings-cache';
import { needsDefaultCountry, type AddressesOf } from './sent-addresses';

const ADDRESSES_OF = 'switchboard:addresses-of';

/**
 * Validates the request within its tenant's address context: a phone number written without a
 * country code is read as a national number of the tenant's default country (if it set one).
 * It runs after the guards, which name the tenant (the token's, or the signed webhook's). The
 * setting is read only when an address may need it, so a request whose numbers are all E.164
 * does not wait for (or fail with) the contacts service.
 */
@Injectable()
export class TenantAddressContextInterceptor implements NestInterceptor {
  constructor(
    private readonly phoneNumbers: PhoneNumberSettingsCache,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context
      .switchToHttp()
      .getRequest<Partial<AuthenticatedRequest> & Partial<SignedWebhookRequest>>();
    const tenantId = request.principal?.tenantId ?? request.signedTenantId;
    const addressesOf = this.reflector.get<AddressesOf | undefined>(ADDRESSES_OF, context.getHandler());
    if (tenantId === undefined || (addressesOf && !needsDefaultCountry(addressesOf(request.body)))) {
      return next.handle();
    }
    const { defaultCountry } = await this.phoneNumbers.settingsOf(tenantId);
    // Nest binds the rest of the call (the pipes that validate the body, then the handler) to
    // the async context `handle()` is called in: this one.
    return withAddressContext({ defaultCountry: defaultCountry ?? undefined }, () => next.handle());
  }
}

/** The handler's input holds phone numbers, where `addressesOf` says: read them by the tenant's settings. */
export const ReadsPhoneNumbers = (addressesOf: AddressesOf) =>
  applyDecorators(SetMetadata(ADDRESSES_OF, addressesOf), UseInterceptors(TenantAddressContextInterceptor));

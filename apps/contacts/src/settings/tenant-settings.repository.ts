import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DEFAULT_BLOCK_POLICY, type BlockPolicy, type PhoneNumberSettings } from '@switchboard/contracts';
import { TenantSettings } from './tenant-settings.schema';

/** Each tenant's settings, one document per tenant, looked up by `_id` (the tenant id). */
@Injectable()
export class TenantSettingsRepository {
  constructor(@InjectModel(TenantSettings.name) private readonly settings: Model<TenantSettings>) {}

  find(tenantId: string): Promise<TenantSettings | null> {
    return this.settings.findById(tenantId).lean<TenantSettings>().exec();
  }

  /** The tenant's block policy, or the default when it never set one. */
  async blockPolicy(tenantId: string): Promise<BlockPolicy> {
    return (await this.find(tenantId))?.blockPolicy ?? DEFAULT_BLOCK_POLICY;
  }

  /** Replaces the block policy (idempotent: setting the same policy again changes nothing that matters). */
  async setBlockPolicy(tenantId: string, policy: BlockPolicy, actorId: string, now: Date): Promise<void> {
    await this.settings
      .updateOne(
        { _id: tenantId },
        {
          $set: {
            tenantId,
            blockPolicy: { whoMayBlock: policy.whoMayBlock, reasonRequired: policy.reasonRequired },
            blockPolicyUpdatedAt: now,
            blockPolicyUpdatedBy: actorId,
          },
        },
        { upsert: true },
      )
      .exec();
  }

  /** Replaces the phone-number settings (idempotent, like the block policy). */
  async setPhoneNumberSettings(
    tenantId: string,
    settings: PhoneNumberSettings,
    actorId: string,
    now: Date,
  ): Promise<void> {
    await this.settings
      .updateOne(
        { _id: tenantId },
        {
          $set: {
            tenantId,
            phoneNumbers: { defaultCountry: settings.defaultCountry },
            phoneNumbersUpdatedAt: now,
            phoneNumbersUpdatedBy: actorId,
          },
        },
        { upsert: true },
      )
      .exec();
  }
}

import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  DEFAULT_BLOCK_POLICY,
  DEFAULT_PHONE_NUMBER_SETTINGS,
  type BlockPolicy,
  type BlockPolicyView,
  type PhoneNumberSettings,
  type PhoneNumberSettingsView,
} from '@switchboard/contracts';
import { settingUpdateOf } from './setting-update';

/** A tenant's settings; `_id` is the tenant id. A tenant without a document has the defaults. */
@Schema({ collection: 'tenant_settings', versionKey: false, minimize: false })
export class TenantSettings {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ type: Object })
  blockPolicy?: BlockPolicy;

  @Prop()
  blockPolicyUpdatedAt?: Date;

  @Prop()
  blockPolicyUpdatedBy?: string;

  @Prop({ type: Object })
  phoneNumbers?: PhoneNumberSettings;

  @Prop()
  phoneNumbersUpdatedAt?: Date;

  @Prop()
  phoneNumbersUpdatedBy?: string;
}

export const TenantSettingsSchema = SchemaFactory.createForClass(TenantSettings);

export function toBlockPolicyView(settings: TenantSettings | null): BlockPolicyView {
  if (!settings?.blockPolicy) {
    return { ...DEFAULT_BLOCK_POLICY };
  }
  const { whoMayBlock, reasonRequired } = settings.blockPolicy;
  return {
    whoMayBlock,
    reasonRequired,
    ...settingUpdateOf(settings.blockPolicyUpdatedAt, settings.blockPolicyUpdatedBy),
  };
}

export function toPhoneNumberSettingsView(settings: TenantSettings | null): PhoneNumberSettingsView {
  if (!settings?.phoneNumbers) {
    return { ...DEFAULT_PHONE_NUMBER_SETTINGS };
  }
  return {
    defaultCountry: settings.phoneNumbers.defaultCountry,
    ...settingUpdateOf(settings.phoneNumbersUpdatedAt, settings.phoneNumbersUpdatedBy),
  };
}

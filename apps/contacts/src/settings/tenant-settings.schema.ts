import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { DEFAULT_BLOCK_POLICY, type BlockPolicy, type BlockPolicyView } from '@switchboard/contracts';

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
    ...(settings.blockPolicyUpdatedAt && {
      updatedAt: new Date(settings.blockPolicyUpdatedAt).toISOString(),
    }),
    ...(settings.blockPolicyUpdatedBy && { updatedBy: settings.blockPolicyUpdatedBy }),
  };
}

import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  ChannelPlatforms,
  type ChannelCredentialsView,
  type ChannelPlatform,
  type SealedChannelCredentials,
} from '@switchboard/contracts';
import { settingUpdateOf } from './setting-update';

/** One platform's credentials as stored: sealed by the gateway, with who set them last and when. */
export interface StoredCredentials {
  sealed: string;
  updatedAt: Date;
  updatedBy: string;
}

/**
 * A tenant's channel credentials, sealed by the gateway (only it holds the key); `_id` is the
 * tenant id. Kept apart from the other settings so no read of those loads them, and only the
 * internal secrets route returns them.
 */
@Schema({ collection: 'channel_credentials', versionKey: false, minimize: false })
export class ChannelCredentials {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ type: Object })
  whatsapp?: StoredCredentials;

  @Prop({ type: Object })
  twilio?: StoredCredentials;
}

export const ChannelCredentialsSchema = SchemaFactory.createForClass(ChannelCredentials);

/** Whether each platform is configured, when and by whom: never a credential. */
export function toChannelCredentialsViews(stored: ChannelCredentials | null): ChannelCredentialsView[] {
  return ChannelPlatforms.map((platform) => toChannelCredentialsView(stored, platform));
}

export function toChannelCredentialsView(
  stored: ChannelCredentials | null,
  platform: ChannelPlatform,
): ChannelCredentialsView {
  const credentials = stored?.[platform];
  return credentials
    ? { platform, configured: true, ...settingUpdateOf(credentials.updatedAt, credentials.updatedBy) }
    : { platform, configured: false };
}

/** The sealed credentials, for the gateway's webhook verification. */
export function toSealedChannelCredentials(stored: ChannelCredentials | null): SealedChannelCredentials {
  return Object.fromEntries(
    ChannelPlatforms.flatMap((platform) => {
      const credentials = stored?.[platform];
      return credentials ? [[platform, { sealed: credentials.sealed }]] : [];
    }),
  );
}

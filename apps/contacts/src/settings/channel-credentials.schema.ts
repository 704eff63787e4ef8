import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  ChannelPlatforms,
  type ChannelCredentialsView,
  type ChannelPlatform,
  type ChannelSecrets,
  type TwilioCredentials,
  type WhatsappCredentials,
} from '@switchboard/contracts';

/** One platform's credentials as stored, with who set them last and when. */
export type StoredCredentials<T> = T & { updatedAt: Date; updatedBy: string };

/**
 * A tenant's channel credentials; `_id` is the tenant id. Kept apart from the other settings so
 * no read of those ever loads a secret, and only the internal secrets route returns them.
 */
@Schema({ collection: 'channel_credentials', versionKey: false, minimize: false })
export class ChannelCredentials {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  tenantId: string;

  @Prop({ type: Object })
  whatsapp?: StoredCredentials<WhatsappCredentials>;

  @Prop({ type: Object })
  twilio?: StoredCredentials<TwilioCredentials>;
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
    ? {
        platform,
        configured: true,
        updatedAt: new Date(credentials.updatedAt).toISOString(),
        updatedBy: credentials.updatedBy,
      }
    : { platform, configured: false };
}

/** The credentials themselves, for the gateway's webhook verification. */
export function toChannelSecrets(stored: ChannelCredentials | null): ChannelSecrets {
  return {
    ...(stored?.whatsapp && {
      whatsapp: { appSecret: stored.whatsapp.appSecret, verifyToken: stored.whatsapp.verifyToken },
    }),
    ...(stored?.twilio && { twilio: { authToken: stored.twilio.authToken } }),
  };
}

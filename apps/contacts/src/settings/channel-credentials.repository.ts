import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { ChannelPlatform, TwilioCredentials, WhatsappCredentials } from '@switchboard/contracts';
import { ChannelCredentials } from './channel-credentials.schema';

/** What each platform's credentials are made of. */
export interface PlatformCredentials {
  whatsapp: WhatsappCredentials;
  twilio: TwilioCredentials;
}

/** Each tenant's channel credentials, one document per tenant, looked up by `_id` (the tenant id). */
@Injectable()
export class ChannelCredentialsRepository {
  constructor(
    @InjectModel(ChannelCredentials.name) private readonly credentials: Model<ChannelCredentials>,
  ) {}

  find(tenantId: string): Promise<ChannelCredentials | null> {
    return this.credentials.findById(tenantId).lean<ChannelCredentials>().exec();
  }

  /** Replaces one platform's credentials (idempotent: setting the same ones again changes nothing that matters). */
  async set<P extends ChannelPlatform>(
    tenantId: string,
    platform: P,
    credentials: PlatformCredentials[P],
    actorId: string,
    now: Date,
  ): Promise<void> {
    await this.credentials
      .updateOne(
        { _id: tenantId },
        { $set: { tenantId, [platform]: { ...credentials, updatedAt: now, updatedBy: actorId } } },
        { upsert: true },
      )
      .exec();
  }
}

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { ChannelPlatform } from '@switchboard/contracts';
import { ChannelCredentials } from './channel-credentials.schema';

/** Each tenant's channel credentials, one document per tenant, looked up by `_id` (the tenant id). */
@Injectable()
export class ChannelCredentialsRepository {
  constructor(
    @InjectModel(ChannelCredentials.name) private readonly credentials: Model<ChannelCredentials>,
  ) {}

  find(tenantId: string): Promise<ChannelCredentials | null> {
    return this.credentials.findById(tenantId).lean<ChannelCredentials>().exec();
  }

  /** Replaces one platform's sealed credentials (idempotent: setting the same ones again changes nothing that matters). */
  async set(
    tenantId: string,
    platform: ChannelPlatform,
    sealed: string,
    actorId: string,
    now: Date,
  ): Promise<void> {
    await this.credentials
      .updateOne(
        { _id: tenantId },
        { $set: { tenantId, [platform]: { sealed, updatedAt: now, updatedBy: actorId } } },
        { upsert: true },
      )
      .exec();
  }
}

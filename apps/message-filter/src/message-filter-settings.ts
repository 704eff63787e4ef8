import { IsInt, Min } from 'class-validator';
import { ServiceSettings } from '@switchboard/config';

export class MessageFilterSettings extends ServiceSettings {
  override PORT: number = 3002;

  /** Partitions of `messages.inbound` worked on at once by this instance. */
  @IsInt()
  @Min(1)
  INBOUND_PARTITIONS_CONCURRENTLY: number = 12;
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { KafkaEventPattern, type ConsumedRecord } from '@switchboard/kafka';
import { GatewayConsumerGroup } from '../gateway-consumer-groups';
import { BlockEnforcement } from './block-enforcement';

/** Reads the filters' reports on `message-filter.progress` a partition batch at a time. */
@Controller()
export class FilterProgressController {
  constructor(private readonly enforcement: BlockEnforcement) {}

  @KafkaEventPattern('filterProgress', { group: GatewayConsumerGroup.filterProgress, batch: true })
  apply(@Payload() records: ConsumedRecord[]): void {
    this.enforcement.applyReports(records);
  }
}

import { IsIn, IsOptional } from 'class-validator';
import { IsTagName } from '@switchboard/contracts';
import { PageQuery } from '../contacts/contact-requests';

export class ListConversationsQuery extends PageQuery {
  /** Only contacts carrying this tag (any spelling of its name). */
  @IsTagName({ optional: true })
  tag?: string;

  /** Only blocked (`true`) or only not blocked (`false`) contacts. */
  @IsOptional()
  @IsIn(['true', 'false'])
  blocked?: 'true' | 'false';
}

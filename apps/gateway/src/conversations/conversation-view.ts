import { ApiProperty } from '@nestjs/swagger';
import { ContactView } from '@switchboard/contracts';

/** One message of a contact's history. */
export class MessageView {
  messageId: string;

  channel: string;

  /** The sender's address on the channel. */
  from: string;

  /** `text`, `image`, … as the channel sent it. */
  type: string;

  /** Channel-specific content as given (`text` for a text message): escape it when rendering. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  content: Record<string, unknown>;

  sentAt: string;

  /** `accepted`, or `blocked` when it was dropped because the contact was blocked. */
  @ApiProperty({ enum: ['accepted', 'blocked'] })
  status: 'accepted' | 'blocked';
}

/** One line of the inbox: the contact and the preview of its last delivered message. */
export class ConversationView {
  /** The contact with its counters and `lastMessageAt`. */
  contact: ContactView;

  /** The newest delivered message (the newest dropped one when none was delivered). */
  lastMessage?: MessageView;
}

/** A page of the inbox; `nextCursor` is absent on the last page. */
export class ConversationPage {
  items: ConversationView[];

  nextCursor?: string;
}

/** A page of a contact's messages, newest first; `nextCursor` is absent on the last page. */
export class MessagePage {
  items: MessageView[];

  nextCursor?: string;
}

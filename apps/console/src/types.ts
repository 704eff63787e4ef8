// The shapes the console reads from the public /v1 API (see the OpenAPI document at /docs).

export interface Identity {
  channel: string;
  address: string;
}

export interface BlockState {
  blocked: boolean;
  blockedAt?: string;
  blockedBy?: string;
  reason?: string;
}

export interface Contact {
  contactId: string;
  identities: Identity[];
  name?: string;
  email?: string;
  phone?: string;
  attributes: Record<string, string | number | boolean>;
  tags: string[];
  block: BlockState;
  counters?: { accepted: number; blocked: number };
  lastMessageAt?: string;
  firstSeenAt?: string;
  createdAt: string;
}

export interface TagDetail {
  tagId: string;
  name: string;
  colour: string;
  description?: string;
  usage?: number;
}

export interface Note {
  noteId: string;
  authorId: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  editedBy?: string;
}

export interface Actor {
  id: string;
  kind: string;
  role?: string;
}

export interface ActivityEntry {
  eventId: string;
  type: string;
  actor: Actor;
  occurredAt: string;
  details: { reason?: string; changedFields?: string[]; noteId?: string; tags?: string[] };
}

export interface ContactDetails extends Contact {
  tagDetails?: TagDetail[];
  recentNotes: Note[];
  recentActivity: ActivityEntry[];
}

export interface Message {
  messageId: string;
  channel: string;
  from: string;
  type: string;
  content: Record<string, unknown>;
  sentAt: string;
  status: 'accepted' | 'blocked';
}

export interface Conversation {
  contact: Contact;
  lastMessage?: Message;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface SegmentDefinition {
  all?: string[];
  any?: string[];
  none?: string[];
  blocked?: boolean;
}

export interface SegmentPreview {
  count: number;
  sample: Contact[];
}

export interface Segment {
  segmentId: string;
  name: string;
  definition: SegmentDefinition;
}

export interface Campaign {
  campaignId: string;
  name: string;
  status: 'dispatching' | 'dispatched';
  includeBlocked: boolean;
  counts: { resolved: number; published: number; excluded: number };
}

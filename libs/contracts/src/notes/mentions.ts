import { registerDecorator } from 'class-validator';

/** Distinct agents one note body may mention (each gets one `NoteMentioned` per add or edit). */
export const MENTIONS_PER_NOTE_MAX = 20;
/** Characters of the note an excerpt of a mention carries, around the first mention. */
export const MENTION_EXCERPT_MAX_LENGTH = 200;

/**
 * A mention is `@` followed by an actor id (`ACTOR_ID_PATTERN`: letters, digits, `_ . @ -`, at
 * most 128 characters, here starting with a letter, digit or `_`), where the `@` does not follow
 * one of those characters itself: `bob@acme.com` and `@@bob` mention nobody, `@bob@acme.com`
 * mentions `bob@acme.com`. Trailing dots end the sentence, not the id (`thanks @agent-7.`).
 */
const MENTION = /(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_][A-Za-z0-9_.@-]*)/g;
const ACTOR_ID_MAX_LENGTH = 128;

interface Mention {
  actorId: string;
  index: number;
}

function mentionsIn(body: string): Mention[] {
  const mentions: Mention[] = [];
  for (const match of body.matchAll(MENTION)) {
    const actorId = match[1].replace(/\.+$/, '');
    if (actorId.length > 0 && actorId.length <= ACTOR_ID_MAX_LENGTH) {
      mentions.push({ actorId, index: match.index });
    }
  }
  return mentions;
}

/** The actor ids a note body mentions, each once, in order of first mention (case-sensitive). */
export function mentionedActorIds(body: string): string[] {
  return [...new Set(mentionsIn(body).map((mention) => mention.actorId))];
}

/**
 * The agents a change of a note body newly mentions: those in `body` that `previousBody` did not
 * mention, without `actorId` (whoever writes the note knows what they wrote).
 */
export function newMentions(body: string, previousBody: string | undefined, actorId: string): string[] {
  const before = new Set(previousBody === undefined ? [] : mentionedActorIds(previousBody));
  return mentionedActorIds(body).filter((mentioned) => mentioned !== actorId && !before.has(mentioned));
}

/** Up to 200 characters of the body around the first mention of `actorId`, `…` where cut. */
export function mentionExcerpt(body: string, actorId: string): string {
  if (body.length <= MENTION_EXCERPT_MAX_LENGTH) {
    return body;
  }
  const index = mentionsIn(body).find((mention) => mention.actorId === actorId)?.index ?? 0;
  const start = Math.max(0, Math.min(index - 60, body.length - MENTION_EXCERPT_MAX_LENGTH));
  const end = start + MENTION_EXCERPT_MAX_LENGTH;
  return `${start > 0 ? '…' : ''}${body.slice(start, end)}${end < body.length ? '…' : ''}`;
}

/** A note body mentions at most `max` distinct agents. */
export function HasMentionsAtMost(max: number) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'hasMentionsAtMost',
      target: target.constructor,
      propertyName,
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || mentionedActorIds(value).length <= max,
        defaultMessage: () => `a note may mention at most ${max} agents`,
      },
    });
}

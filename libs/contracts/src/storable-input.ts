export interface FieldError {
  field: string;
  messages: string[];
}

/**
 * Keys no input object may have, at any depth: the members of `Object.prototype` (every
 * JavaScript object answers to them) and `prototype`. class-transformer skips them when it
 * copies input (so a validator never sees them), mongoose's clone drops `__proto__`,
 * `constructor` and `prototype`, and `object[key] = value` with `__proto__` replaces a
 * prototype: kept, they would be lost silently somewhere between the edge and the store.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
  'prototype',
]);

/**
 * What the store cannot hold in a string: U+0000 (PostgreSQL refuses it in jsonb, MongoDB in
 * keys) and a lone UTF-16 surrogate (encoding it as UTF-8 silently turns it into U+FFFD). The
 * first pattern is the cheap test every string gets; only a string it finds is looked at closely.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is what these patterns refuse
const SUSPECT_TEXT = /[\u0000\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- U+0000 is what these patterns refuse
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isUnstorable = (text: string) => SUSPECT_TEXT.test(text) && UNSTORABLE_TEXT.test(text);

export const UNSTORABLE_TEXT_MESSAGE =
  'must not contain U+0000 or an unpaired UTF-16 surrogate (the store cannot hold them)';

const reservedKeyMessage = (key: string) =>
  `${key} is a reserved key (a member of every JavaScript object) and is refused rather than dropped`;

// eslint-disable-next-line no-control-regex -- control characters are what this escapes
const CONTROL_CHARACTERS = /[\u0000-\u001f]/g;
/** A key as a field path shows it: control characters escaped, so a log line stays one line. */
const printable = (key: string) =>
  key.replace(
    CONTROL_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

const isPlainContainer = (value: object) => {
  if (Array.isArray(value)) {
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/**
 * Every key and string of a plain JSON input that no contract may accept, whatever its fields:
 * reserved keys (see `RESERVED_KEYS`) and text the store cannot hold. Checked on the input as
 * received, before class-transformer copies it, so nothing is dropped on the way. Field paths
 * are `parent.key` (array items by index) under `root`. Callers bound the nesting first
 * (`nestsDeeperThan`), so the walk may recurse; paths are only built for what it reports (the
 * message filter runs it on every message).
 */
export function unstorableInputErrors(input: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const path: string[] = root ? [root] : [];
  const report = (message: string) =>
    errors.push({ field: path.map(printable).join('.'), messages: [message] });
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (isUnstorable(value)) {
        report(UNSTORABLE_TEXT_MESSAGE);
      }
      return;
    }
    if (typeof value !== 'object' || value === null || !isPlainContainer(value)) {
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => {
        path.push(String(index));
        visit(item);
        path.pop();
      });
      return;
    }
    for (const key of Object.keys(value)) {
      path.push(key);
      if (RESERVED_KEYS.has(key)) {
        report(reservedKeyMessage(key));
      } else if (isUnstorable(key)) {
        report(`keys ${UNSTORABLE_TEXT_MESSAGE}`);
      }
      visit((value as Record<string, unknown>)[key]);
      path.pop();
    }
  };
  visit(input);
  return errors;
}

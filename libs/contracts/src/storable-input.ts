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
 * keys) and a lone UTF-16 surrogate (encoding it as UTF-8 silently turns it into U+FFFD).
 */
// eslint-disable-next-line no-control-regex -- U+0000 is what this pattern refuses
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE =
  'must not contain U+0000 or an unpaired UTF-16 surrogate (the store cannot hold them)';

const reservedKeyMessage = (key: string) =>
  `${key} is a reserved key (a member of every JavaScript object) and is refused rather than dropped`;

/** A key as a field path shows it: control characters escaped, so a log line stays one line. */
// eslint-disable-next-line no-control-regex -- control characters are what this escapes
const CONTROL_CHARACTERS = /[\u0000-\u001f]/g;
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
 * are `parent.key` (array items by index) under `root`.
 */
export function unstorableInputErrors(input: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const join = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);
  const pending: [unknown, string][] = [[input, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (UNSTORABLE_TEXT.test(value)) {
        errors.push({ field: path, messages: [UNSTORABLE_TEXT_MESSAGE] });
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || !isPlainContainer(value)) {
      continue;
    }
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const field = join(path, printable(key));
      if (!isArray && RESERVED_KEYS.has(key)) {
        errors.push({ field, messages: [reservedKeyMessage(key)] });
      } else if (!isArray && UNSTORABLE_TEXT.test(key)) {
        errors.push({ field, messages: [`keys ${UNSTORABLE_TEXT_MESSAGE}`] });
      }
      pending.push([(value as Record<string, unknown>)[key], field]);
    }
  }
  return errors.reverse();
}

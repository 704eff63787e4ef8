import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { contextDefaultCountry } from './address-context';
import { canonicalAddress } from './canonical-address';
import { ADDRESS_MAX_LENGTH, CHANNEL_PATTERN, E164_PATTERN, PHONE_CHANNELS } from './identifiers';
import { RESERVED_KEYS } from './storable-input';
import { IsAbsentOr } from './tags/tag-name';

export const MAX_IDENTITIES = 20;
export const MAX_ATTRIBUTES = 100;
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const ATTRIBUTE_STRING_MAX_LENGTH = 1024;

/** An attribute name: shaped like an identifier and none of the reserved keys (`constructor`…). */
export function isAttributeKey(key: unknown): key is string {
  return typeof key === 'string' && ATTRIBUTE_KEY_PATTERN.test(key) && !RESERVED_KEYS.has(key);
}

/** What an attribute name must be, for field errors and the API documents. */
export const ATTRIBUTE_KEY_RULE = `matching ${ATTRIBUTE_KEY_PATTERN.source} and none of ${[...RESERVED_KEYS].join(', ')}`;

/**
 * An address on the channel the object names: on phone channels E.164 once normalised
 * (`CanonicalAddress`), elsewhere 1–256 printable characters without `|`.
 */
export function IsAddressForChannel() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAddressForChannel',
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          if (typeof value !== 'string' || value.length === 0 || value.length > ADDRESS_MAX_LENGTH) {
            return false;
          }
          const channel = (args.object as { channel?: unknown }).channel;
          if (typeof channel === 'string' && PHONE_CHANNELS.has(channel)) {
            return E164_PATTERN.test(value);
          }
          // eslint-disable-next-line no-control-regex -- control characters are what this pattern refuses
          return !/[|\u0000-\u001f\u007f-\u009f]/.test(value);
        },
        defaultMessage(args: ValidationArguments) {
          const channel = (args.object as { channel?: unknown }).channel;
          if (typeof channel !== 'string' || !PHONE_CHANNELS.has(channel)) {
            return `${args.property} must be 1-${ADDRESS_MAX_LENGTH} printable characters without '|'`;
          }
          const defaultCountry = contextDefaultCountry();
          return defaultCountry
            ? `${args.property} must be a phone number of ${defaultCountry} (the tenant's default country) or one with its country code (like +14155550123) on channel ${channel}`
            : `${args.property} must be a phone number with its country code (like +14155550123) on channel ${channel}`;
        },
      },
    });
}

/**
 * An object of attributes: keys shaped like identifiers, values strings (≤1024), finite numbers,
 * booleans and, where `nullable`, null. Profiles store them; segments filter by them.
 */
export function IsAttributeMap(name: string, { maxKeys, nullable }: { maxKeys: number; nullable: boolean }) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            return false;
          }
          const entries = Object.entries(value);
          return (
            entries.length <= maxKeys &&
            entries.every(
              ([key, attribute]) =>
                isAttributeKey(key) &&
                ((nullable && attribute === null) ||
                  typeof attribute === 'boolean' ||
                  (typeof attribute === 'number' && Number.isFinite(attribute)) ||
                  (typeof attribute === 'string' && attribute.length <= ATTRIBUTE_STRING_MAX_LENGTH)),
            )
          );
        },
        defaultMessage() {
          return `${propertyName} must be an object of at most ${maxKeys} keys ${ATTRIBUTE_KEY_RULE}, with string (≤${ATTRIBUTE_STRING_MAX_LENGTH} chars), finite number${nullable ? ', boolean or null' : ' or boolean'} values`;
        },
      },
    });
}

export type AttributeValue = string | number | boolean | null;

export class Identity {
  /** Messaging channel, for example `whatsapp`, `sms`, `telegram`, `email`. */
  @ApiProperty({ pattern: CHANNEL_PATTERN.source })
  @Matches(CHANNEL_PATTERN, { message: `channel must match ${CHANNEL_PATTERN.source}` })
  channel: string;

  /** Address on the channel: an E.164 number on phone channels. */
  @ApiProperty({
    minLength: 1,
    maxLength: ADDRESS_MAX_LENGTH,
    pattern: '^[^|\\u0000-\\u001f\\u007f-\\u009f]+$',
    description:
      'on phone channels (whatsapp, sms, voice) a phone number with its country code, stored in E.164 (`+1 415-555-0123`, `14155550123` and `whatsapp:+14155550123` are all `+14155550123`); elsewhere as sent (docs/identities.md)',
  })
  @CanonicalAddress()
  @IsAddressForChannel()
  address: string;
}

/**
 * Normalises an address to its channel's one spelling before validation (`canonicalAddress`):
 * `+1 415-555-0123`, `14155550123` and `whatsapp:+14155550123` on whatsapp all become
 * `+14155550123`. One that cannot be normalised is left as sent, for the validator to refuse.
 * Within an address context (`withAddressContext`, the gateway's, once it knows the tenant),
 * a number without a country code is read as a national number of its default country.
 */
export function CanonicalAddress() {
  return Transform(({ value, obj }: { value: unknown; obj: { channel?: unknown } }) => {
    const { channel } = obj;
    if (typeof value !== 'string' || typeof channel !== 'string') {
      return value;
    }
    return canonicalAddress(channel, value, contextDefaultCountry()) ?? value;
  });
}

/** Profile fields that HTTP bodies and commands share. */
export class ContactProfileFields {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 254, nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ pattern: E164_PATTERN.source, nullable: true })
  @IsOptional()
  @Matches(E164_PATTERN, { message: 'phone must be an E.164 phone number (like +14155550123)' })
  phone?: string;

  @ApiPropertyOptional({
    type: 'object',
    maxProperties: MAX_ATTRIBUTES,
    additionalProperties: {
      nullable: true,
      oneOf: [
        { type: 'string', maxLength: ATTRIBUTE_STRING_MAX_LENGTH },
        { type: 'number' },
        { type: 'boolean' },
      ],
    },
    description: `keys ${ATTRIBUTE_KEY_RULE}; values are strings (no U+0000), finite numbers, booleans or null; a null value removes the key on update`,
  })
  @IsAbsentOr()
  @IsAttributeMap('isAttributes', { maxKeys: MAX_ATTRIBUTES, nullable: true })
  attributes?: Record<string, AttributeValue>;
}

export class ContactIdentityFields extends ContactProfileFields {
  @ApiProperty({ type: [Identity], minItems: 1, maxItems: MAX_IDENTITIES })
  @ValidateNested({ each: true })
  @Type(() => Identity)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IDENTITIES)
  identities: Identity[];
}

import { ApiProperty } from '@nestjs/swagger';
import { getCountries, type CountryCode } from 'libphonenumber-js/min';
import { IsISO8601, IsOptional, IsString, registerDecorator } from 'class-validator';

/** The countries a default country may be: ISO 3166-1 alpha-2 codes libphonenumber-js has rules for. */
export const PHONE_NUMBER_COUNTRIES: readonly CountryCode[] = getCountries();

const countries = new Set<string>(PHONE_NUMBER_COUNTRIES);

/** Whether `value` is a country whose national numbers can be read (upper case, like `US`). */
export function isPhoneNumberCountry(value: unknown): value is CountryCode {
  return typeof value === 'string' && countries.has(value);
}

/** A country of `PHONE_NUMBER_COUNTRIES`, or `null` (no default country); required either way. */
export function IsDefaultCountry() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDefaultCountry',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => value === null || isPhoneNumberCountry(value),
        defaultMessage: () =>
          `${propertyName} must be an ISO 3166-1 alpha-2 country code in upper case (like US), or null for none`,
      },
    });
}

/** How the tenant's phone numbers are read where they are written without a country code. */
export class PhoneNumberSettings {
  /**
   * The country of numbers written without a country code (`(415) 555-0123`, `4155550123` with
   * `US`) in the gateway's HTTP bodies and signed webhook; `null`: none, such numbers are refused.
   * Commands and messages produced straight to Kafka always need the country code.
   */
  @ApiProperty({ type: String, enum: PHONE_NUMBER_COUNTRIES, nullable: true, example: 'US' })
  @IsDefaultCountry()
  defaultCountry: CountryCode | null;
}

/** A tenant that never set them: no default country (every number needs its country code). */
export const DEFAULT_PHONE_NUMBER_SETTINGS: PhoneNumberSettings = { defaultCountry: null };

/** A tenant's phone-number settings as the API returns them and events carry them. */
export class PhoneNumberSettingsView extends PhoneNumberSettings {
  /** When they were last set; absent while the default applies. */
  @IsOptional()
  @IsISO8601()
  updatedAt?: string;

  /** Who last set them. */
  @IsOptional()
  @IsString()
  updatedBy?: string;
}

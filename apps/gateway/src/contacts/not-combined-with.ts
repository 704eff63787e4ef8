import { registerDecorator, type ValidationArguments } from 'class-validator';

/** The property may not be given together with any of `others` (they filter the same thing two ways). */
export function IsNotCombinedWith(others: readonly string[]) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isNotCombinedWith',
      target: target.constructor,
      propertyName,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const object = args.object as Record<string, unknown>;
          return value === undefined || others.every((other) => object[other] === undefined);
        },
        defaultMessage(args: ValidationArguments) {
          return `${args.property} cannot be combined with ${others.join(', ')}`;
        },
      },
    });
}

import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, GatewayError } from '@images/core';

/** Every DTO is validated the same way: unknown fields rejected, each failure named by field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new GatewayError('VALIDATION_FAILED', {
        detail: fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors: fieldErrors,
      });
    },
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message: rule === 'whitelistValidation' ? 'is not a known parameter' : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { DomainError, findNulCharacter, nulCharacterMessage } from '@hub/core';

function messages(errors: ValidationError[], path: string): string[] {
  return errors.flatMap((e) => {
    const at = path ? `${path}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (path ? `${path}.${m}` : m));
    return [...own, ...messages(e.children ?? [], at)];
  });
}

/**
 * Validates input that did not come through Nest's body pipe (a multipart field, a JSON file), with the same rules and
 * messages: unknown properties are refused, every problem is named with its path.
 */
export function validateInput<T extends object>(type: new () => T, plain: unknown, path = ''): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new DomainError('invalid', `${path || 'the input'} must be a JSON object`);
  }
  // The body pipe's input passes the hub's NUL check; input parsed here (a form field, a file) has not.
  const nul = findNulCharacter(plain, path || 'the input');
  if (nul) throw new DomainError('invalid', nulCharacterMessage(nul));
  const instance = plainToInstance(type, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new DomainError('invalid', messages(errors, path).join('; '));
  return instance;
}

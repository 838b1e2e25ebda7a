/**
 * Where in `value` a string (or a key) holds U+0000, as `prefix.a.b[2]`, or null. PostgreSQL cannot store the
 * character in text, so such input would fail deep in a query; it is refused here, naming the field. The walk is
 * iterative: a body nested thousands of levels deep cannot overflow the stack.
 */
export function findNulCharacter(value: unknown, prefix: string): string | null {
  const stack: [unknown, string][] = [[value, prefix]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return path;
    } else if (Array.isArray(item)) {
      item.forEach((v, i) => stack.push([v, `${path}[${i}]`]));
    } else if (item !== null && typeof item === 'object') {
      for (const [k, v] of Object.entries(item)) {
        if (k.includes('\u0000')) return `${path} (a property name)`;
        stack.push([v, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/** The message of a refusal for U+0000 found at `where` (a path as findNulCharacter gives it). */
export const nulCharacterMessage = (where: string): string =>
  `${where} contains the NUL character (U+0000), which no text field accepts: remove it and send again`;

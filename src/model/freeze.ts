/**
 * Freezes a JSON value and everything in it (objects and arrays), in place, and returns it.
 * A message whose signature was checked is frozen so that no later step can change the
 * bytes that were checked.
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    Object.freeze(node);
    for (const child of Object.values(node)) stack.push(child);
  }
  return value;
}

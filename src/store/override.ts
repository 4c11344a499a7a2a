/**
 * `target` with some of its methods replaced by `overrides`; every other member is the
 * target's own, its methods bound to the target. Bound methods are made once per method,
 * not at every call (the store wrappers sit on every write's path).
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  const bound = new WeakMap<(...args: unknown[]) => unknown, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(overrides, property)) return (overrides as Record<PropertyKey, unknown>)[property];
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      let found = bound.get(method);
      if (found === undefined) bound.set(method, (found = method.bind(object)));
      return found;
    },
  });
}

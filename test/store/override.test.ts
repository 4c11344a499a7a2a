import { describe, expect, it } from 'vitest';
import { withOverrides } from '../../src/store/override.js';

class Counter {
  count = 0;
  add(n: number): number {
    this.count += n;
    return this.count;
  }
  twice(n: number): number {
    return this.add(n) + this.add(n);
  }
}

describe('withOverrides', () => {
  it('answers the overridden members with the overrides and everything else with the target, bound to it', () => {
    const target = new Counter();
    const wrapped = withOverrides(target, { twice: (n: number) => -n });
    expect(wrapped.twice(3)).toBe(-3);
    const { add } = wrapped;
    expect(add(2)).toBe(2);
    expect(target.count).toBe(2);
    expect(wrapped.count).toBe(2);
  });

  it('binds each method once, and a method replaced on the target afterwards is the new one', () => {
    const target = new Counter();
    const wrapped = withOverrides(target, {});
    expect(wrapped.add).toBe(wrapped.add);
    target.add = function (this: Counter, n: number) {
      this.count -= n;
      return this.count;
    };
    expect(wrapped.add(5)).toBe(-5);
    expect(wrapped.twice(1)).toBe(-6 + -7);
  });
});

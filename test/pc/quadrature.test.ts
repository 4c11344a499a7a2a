import { describe, expect, it } from 'vitest';
import { integrate, kronrod15 } from '../../src/pc/quadrature.js';

describe('Gauss–Kronrod 7-15 rule', () => {
  it('integrates every polynomial up to degree 22 exactly on [−1, 1] (the Kronrod rule’s degree)', () => {
    for (let k = 0; k <= 22; k++) {
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      expect(Math.abs(kronrod15((x) => x ** k, -1, 1).kronrod - exact)).toBeLessThan(1e-15);
    }
  });

  it('reports a small error estimate for a smooth integrand and a large one for a degree-28 polynomial', () => {
    const smooth = kronrod15((x) => Math.exp(-x * x), -1, 1);
    expect(Math.abs(smooth.kronrod - 1.493648265624854)).toBeLessThan(1e-15);
    expect(smooth.error).toBeLessThan(1e-7);
    expect(kronrod15((x) => x ** 28, -1, 1).error).toBeGreaterThan(1e-3);
  });
});

describe('adaptive integration', () => {
  it('reaches the relative tolerance on a peaked integrand', () => {
    // ∫_{−10}^{10} e^{−x²/(2·0.01)} dx = σ√(2π) with σ = 0.1 (tails beyond 100 σ are nil).
    const value = integrate((x) => Math.exp((-x * x) / 0.02), [-10, 10]);
    expect(Math.abs(value / (0.1 * Math.sqrt(2 * Math.PI)) - 1)).toBeLessThan(1e-8);
  });

  it('finds a narrow peak that every node of the first rule misses', () => {
    const value = integrate((x) => Math.exp(-(((x - 0.123) / 1e-3) ** 2) / 2), [-1, 1]);
    expect(Math.abs(value / (1e-3 * Math.sqrt(2 * Math.PI)) - 1)).toBeLessThan(1e-6);
  });

  it('keeps tiny integrals’ digits (relative, not absolute, tolerance)', () => {
    const value = integrate((x) => 1e-40 * Math.exp(-x), [0, 1]);
    expect(Math.abs(value / (1e-40 * (1 - Math.exp(-1))) - 1)).toBeLessThan(1e-10);
  });

  it('bounds the work on an integrand it cannot resolve (a jump) and still answers closely', () => {
    let calls = 0;
    const value = integrate((x) => {
      calls++;
      return x < Math.SQRT1_2 ? 1 : 0;
    }, [0, 1]);
    expect(calls).toBeLessThanOrEqual(15 * 2 * 400);
    expect(Math.abs(value - Math.SQRT1_2)).toBeLessThan(1e-6);
  });

  it('answers NaN when the integrand does', () => {
    expect(integrate(() => Number.NaN, [0, 1])).toBeNaN();
  });
});

/**
 * Adaptive Gauss–Legendre quadrature on an interval (Press et al., Numerical Recipes,
 * 3rd ed., 4.6 for the nodes; interval halving until two estimates agree).
 */

export type Integrand = (x: number) => number;

const ORDER = 16;

/** Nodes and weights of the Gauss–Legendre rule on [−1, 1], by Newton's method on Pₙ. */
function legendreRule(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = new Array<number>(n).fill(0);
  const weights: number[] = new Array<number>(n).fill(0);
  const half = Math.floor((n + 1) / 2);
  for (let i = 0; i < half; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
      }
      derivative = (n * (z * p1 - p2)) / (z * z - 1);
      const previous = z;
      z = previous - p1 / derivative;
      if (Math.abs(z - previous) < 1e-15) break;
    }
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    weights[i] = 2 / ((1 - z * z) * derivative * derivative);
    weights[n - 1 - i] = weights[i] ?? 0;
  }
  return { nodes, weights };
}

const RULE = legendreRule(ORDER);

/** The fixed 16-point rule on [a, b]. */
export function gaussLegendre(f: Integrand, a: number, b: number): number {
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  let sum = 0;
  for (let i = 0; i < ORDER; i++) sum += (RULE.weights[i] ?? 0) * f(mid + half * (RULE.nodes[i] ?? 0));
  return sum * half;
}

const MAX_DEPTH = 40;

function adaptive(f: Integrand, a: number, b: number, whole: number, tolerance: number, depth: number): number {
  const mid = (a + b) / 2;
  const left = gaussLegendre(f, a, mid);
  const right = gaussLegendre(f, mid, b);
  const halves = left + right;
  if (Math.abs(halves - whole) <= tolerance || depth >= MAX_DEPTH || mid === a || mid === b) return halves;
  return adaptive(f, a, mid, left, tolerance / 2, depth + 1) + adaptive(f, mid, b, right, tolerance / 2, depth + 1);
}

/**
 * ∫ f over consecutive pieces [p0, p1], [p1, p2], … (breakpoints where f changes fast),
 * each refined until it agrees with its halves to `relTol` of the whole integral's first
 * estimate. Relative, not absolute, so that integrals of 1e-30 keep their digits.
 */
export function integrate(f: Integrand, breakpoints: readonly number[], relTol = 1e-8): number {
  const pieces: Array<{ a: number; b: number; first: number }> = [];
  for (let i = 0; i + 1 < breakpoints.length; i++) {
    const a = breakpoints[i] ?? 0;
    const b = breakpoints[i + 1] ?? 0;
    if (b > a) pieces.push({ a, b, first: gaussLegendre(f, a, b) });
  }
  const estimate = pieces.reduce((sum, p) => sum + Math.abs(p.first), 0);
  if (estimate === 0) {
    // Every node underflowed: refine anyway, a narrow peak may sit between nodes.
    return pieces.reduce((sum, p) => sum + adaptive(f, p.a, p.b, p.first, 0, MAX_DEPTH - 4), 0);
  }
  return pieces.reduce((sum, p) => sum + adaptive(f, p.a, p.b, p.first, relTol * estimate, 0), 0);
}

/** Small dense vectors and symmetric matrices in three dimensions (row-major 3×3). */

export type Vec3 = readonly [number, number, number];
export type Mat3 = readonly [Vec3, Vec3, Vec3];

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function scale(a: Vec3, k: number): Vec3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm(a: Vec3): number {
  return Math.sqrt(dot(a, a));
}

/** a / |a|, or undefined for a zero (or non-finite) vector. */
export function unit(a: Vec3): Vec3 | undefined {
  const n = norm(a);
  return n > 0 && Number.isFinite(n) ? scale(a, 1 / n) : undefined;
}

export function matAdd(a: Mat3, b: Mat3): Mat3 {
  return [add(a[0], b[0]), add(a[1], b[1]), add(a[2], b[2])];
}

/** uᵀ·C·w. */
export function quadratic(u: Vec3, c: Mat3, w: Vec3): number {
  return dot(u, [dot(c[0], w), dot(c[1], w), dot(c[2], w)]);
}

/**
 * M·C·Mᵀ where the columns of M are the unit vectors `axes` (expressed in the target
 * frame): the covariance C given in the frame of those axes, expressed in the target frame.
 */
export function rotateCovariance(c: Mat3, axes: readonly [Vec3, Vec3, Vec3]): Mat3 {
  const row = (i: 0 | 1 | 2): Vec3 => {
    const m: Vec3 = [axes[0][i], axes[1][i], axes[2][i]];
    return [quadratic(m, c, [axes[0][0], axes[1][0], axes[2][0]]), quadratic(m, c, [axes[0][1], axes[1][1], axes[2][1]]), quadratic(m, c, [axes[0][2], axes[1][2], axes[2][2]])];
  };
  return [row(0), row(1), row(2)];
}

/**
 * Eigenvalues of a symmetric 3×3 matrix, ascending, by the trigonometric solution of the
 * characteristic cubic (O. K. Smith, "Eigenvalues of a symmetric 3×3 matrix", CACM 4(4), 1961).
 */
export function symmetricEigenvalues(a: Mat3): [number, number, number] {
  const p1 = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
  const q = (a[0][0] + a[1][1] + a[2][2]) / 3;
  if (p1 === 0) return [a[0][0], a[1][1], a[2][2]].sort((x, y) => x - y) as [number, number, number];
  const p2 = (a[0][0] - q) ** 2 + (a[1][1] - q) ** 2 + (a[2][2] - q) ** 2 + 2 * p1;
  const p = Math.sqrt(p2 / 6);
  const b = (i: 0 | 1 | 2, j: 0 | 1 | 2) => (a[i][j] - (i === j ? q : 0)) / p;
  const det =
    b(0, 0) * (b(1, 1) * b(2, 2) - b(1, 2) * b(2, 1)) -
    b(0, 1) * (b(1, 0) * b(2, 2) - b(1, 2) * b(2, 0)) +
    b(0, 2) * (b(1, 0) * b(2, 1) - b(1, 1) * b(2, 0));
  const r = Math.min(1, Math.max(-1, det / 2));
  const phi = Math.acos(r) / 3;
  const largest = q + 2 * p * Math.cos(phi);
  const smallest = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  return [smallest, 3 * q - largest - smallest, largest];
}

import { createHash, timingSafeEqual } from 'node:crypto';

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares two secrets in time that does not depend on where, or whether, they differ. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export { digest as secretDigest };

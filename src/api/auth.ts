import { timingSafeEqual } from 'node:crypto';
import type { ApiToken, Permission } from '../config/schema.js';
import { secretDigest as digest } from '../secrets.js';

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** `admin` includes `write` and `read`; `write` and `read` stand alone. */
export function grants(token: Pick<ApiToken, 'permissions'>, needed: Permission): boolean {
  return token.permissions.includes(needed) || token.permissions.includes('admin');
}

/** The API tokens of the configuration; replaced as a whole on reload. */
export class TokenAuthenticator {
  private tokens: { id: string; secret: Buffer; permissions: Permission[] }[] = [];

  constructor(tokens: ApiToken[]) {
    this.replace(tokens);
  }

  replace(tokens: ApiToken[]): void {
    this.tokens = tokens.map((t) => ({ id: t.id, secret: digest(t.secret), permissions: [...t.permissions] }));
  }

  /** Finds the token with this secret, comparing against every token so timing reveals nothing. */
  identify(secret: string): { id: string; permissions: Permission[] } | undefined {
    const presented = digest(secret);
    let found: { id: string; permissions: Permission[] } | undefined;
    for (const token of this.tokens) {
      if (timingSafeEqual(token.secret, presented) && !found) found = { id: token.id, permissions: token.permissions };
    }
    return found;
  }
}

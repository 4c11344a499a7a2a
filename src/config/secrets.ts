import { readFileSync, statSync } from 'node:fs';
import { describeFsError } from './fs-errors.js';
import type { ApiToken, Config, RawConfig } from './schema.js';

export interface SecretResolution {
  config?: Config;
  errors: string[];
  warnings: string[];
}

const MIN_SECRET_LENGTH = 16;

/** Reads a secret file: its content without the trailing newline; warns when others may read it. */
function readSecret(field: string, path: string, errors: string[], warnings: string[]): string | undefined {
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) warnings.push(`${field}: ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 it`);
    const secret = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (secret === '') errors.push(`${field}: ${path} is empty`);
    return secret;
  } catch (err) {
    errors.push(`${field}: cannot read ${path}: ${describeFsError(err)}`);
    return undefined;
  }
}

/** Replaces `secret_file` and `auth_token_file` by the secrets they hold (Docker and Kubernetes secrets). */
export function resolveSecrets(raw: RawConfig): SecretResolution {
  const errors: string[] = [];
  const warnings: string[] = [];
  const tokens: ApiToken[] = [];
  raw.api.auth.tokens.forEach((token, i) => {
    const at = `api.auth.tokens[${i}]`;
    if (token.secret !== undefined && token.secret_file !== undefined) errors.push(`${at}: give secret or secret_file, not both`);
    else if (token.secret === undefined && token.secret_file === undefined) errors.push(`${at}.secret: is required (or secret_file)`);
    const secret = token.secret ?? (token.secret_file !== undefined ? readSecret(`${at}.secret_file`, token.secret_file, errors, warnings) : undefined);
    if (token.secret_file !== undefined && secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
      errors.push(`${at}.secret_file: the secret in ${token.secret_file} must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    if (secret !== undefined) tokens.push({ ...token, secret });
  });
  const peers = raw.peers.map((peer, i) => {
    if (peer.auth_token_file === undefined) return peer;
    if (peer.auth_token !== undefined) {
      errors.push(`peers[${i}]: give auth_token or auth_token_file, not both`);
      return peer;
    }
    const token = readSecret(`peers[${i}].auth_token_file`, peer.auth_token_file, errors, warnings);
    return token === undefined ? peer : { ...peer, auth_token: token };
  });
  if (errors.length > 0) return { errors, warnings };
  return { config: { ...raw, api: { ...raw.api, auth: { ...raw.api.auth, tokens } }, peers }, errors, warnings };
}

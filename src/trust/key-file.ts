import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateSigningKey, signingKeyFromPem, type SigningKey } from './keys.js';

/** Where a node keeps its signing key, or `ephemeral` when it keeps none on disk. */
export type KeyLocation = { kind: 'file'; path: string } | { kind: 'ephemeral' };

/**
 * `node.signing_key_path` when set; else `<storage.file_path>/node.key` with file storage;
 * else (memory storage, nothing on disk) an ephemeral key made at every start.
 */
export function keyLocation(config: { node: { signing_key_path?: string | undefined }; storage: { type: string; file_path: string } }): KeyLocation {
  if (config.node.signing_key_path !== undefined) return { kind: 'file', path: config.node.signing_key_path };
  if (config.storage.type === 'file') return { kind: 'file', path: join(config.storage.file_path, 'node.key') };
  return { kind: 'ephemeral' };
}

/** A key file problem, naming the file and the configuration key, never the key. */
export class KeyFileError extends Error {}

export interface LoadedKey {
  key: SigningKey;
  /** True when the file did not exist and was created now. */
  created: boolean;
  /** Set when the file can be read by others than its owner (it should be mode 0600). */
  looseMode?: string;
}

/** Reads the key file at `path`; throws KeyFileError when it is missing or not an Ed25519 PEM private key. */
export function readKeyFile(nodeId: string, path: string): LoadedKey {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, 'utf8');
    mode = statSync(path).mode & 0o777;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyFileError(`node.signing_key_path: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'error')}`);
  }
  try {
    return { key: signingKeyFromPem(nodeId, text), created: false, ...((mode & 0o077) !== 0 ? { looseMode: mode.toString(8).padStart(4, '0') } : {}) };
  } catch (err) {
    throw new KeyFileError(`node.signing_key_path: ${path} ${(err as Error).message}`);
  }
}

/**
 * Writes a new key to `path` with mode 0600 (its directory created 0700 when missing); the
 * `wx` flag refuses to overwrite a file that exists.
 */
export function writeNewKeyFile(nodeId: string, path: string): SigningKey {
  const key = generateSigningKey(nodeId);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, key.privatePem(), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyFileError(`cannot write ${path}: ${code === 'EEXIST' ? 'the file exists (a key is never overwritten)' : code === 'EACCES' ? 'permission denied' : (code ?? 'error')}`);
  }
  return key;
}

/** The node's key at `path`, created (mode 0600) when the file does not exist yet. */
export function loadOrCreateKeyFile(nodeId: string, path: string): LoadedKey {
  try {
    statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return readKeyFile(nodeId, path);
    try {
      return { key: writeNewKeyFile(nodeId, path), created: true };
    } catch (writeErr) {
      throw new KeyFileError(`node.signing_key_path: ${(writeErr as Error).message}`);
    }
  }
  return readKeyFile(nodeId, path);
}

import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describeFsError } from './fs-errors.js';
import type { Config } from './schema.js';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export type TlsCheck = { ok: true; material?: TlsMaterial } | { ok: false; errors: string[] };

function readOne(field: string, path: string, errors: string[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    errors.push(`${field}: cannot read ${path}: ${describeFsError(err)}`);
    return undefined;
  }
}

/**
 * Reads the certificate, key and CA the configuration names and checks that they belong
 * together: the key matches the certificate, which is valid now.
 */
export function loadTlsMaterial(config: Pick<Config, 'server'>, now = new Date()): TlsCheck {
  const tls = config.server.tls;
  if (!tls.enabled) {
    return { ok: true };
  }
  const errors: string[] = [];
  const cert = tls.cert_path ? readOne('server.tls.cert_path', tls.cert_path, errors) : undefined;
  const key = tls.key_path ? readOne('server.tls.key_path', tls.key_path, errors) : undefined;
  const ca = tls.ca_path ? readOne('server.tls.ca_path', tls.ca_path, errors) : undefined;
  if (!cert || !key || errors.length > 0) return { ok: false, errors };

  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return { ok: false, errors: [`server.tls.cert_path: ${tls.cert_path} is not a PEM certificate`] };
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) {
      errors.push(`server.tls.key_path: ${tls.key_path} does not match the certificate ${tls.cert_path}`);
    }
  } catch {
    errors.push(`server.tls.key_path: ${tls.key_path} is not a PEM private key`);
  }
  if (new Date(x509.validTo) < now) errors.push(`server.tls.cert_path: ${tls.cert_path} expired on ${new Date(x509.validTo).toISOString()}`);
  if (new Date(x509.validFrom) > now) errors.push(`server.tls.cert_path: ${tls.cert_path} is not valid before ${new Date(x509.validFrom).toISOString()}`);
  if (ca) {
    try {
      new X509Certificate(ca);
    } catch {
      errors.push(`server.tls.ca_path: ${tls.ca_path} is not a PEM certificate`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, material: { cert, key, ...(ca ? { ca } : {}) } };
}

/** Every per-peer CA file must be readable and a certificate. */
export function peerTlsProblems(config: { peers: Pick<Config['peers'][number], 'tls'>[] }): string[] {
  const problems: string[] = [];
  config.peers.forEach((peer, i) => {
    const path = peer.tls?.ca_path;
    if (path === undefined) return;
    const ca = readOne(`peers[${i}].tls.ca_path`, path, problems);
    if (!ca) return;
    try {
      new X509Certificate(ca);
    } catch {
      problems.push(`peers[${i}].tls.ca_path: ${path} is not a PEM certificate`);
    }
  });
  return problems;
}

/**
 * The TLS file problems of a configuration that failed other checks (`validate-config`
 * reports everything at once): the server certificate, key and CA and each peer's CA, as
 * far as the draft names them. Paths that use an unset variable are left out; they have
 * been reported already.
 */
export function draftTlsProblems(draft: unknown, unsetFields: readonly string[]): string[] {
  const unset = new Set(unsetFields);
  const text = (value: unknown, field: string) => (typeof value === 'string' && value !== '' && !unset.has(field) ? value : undefined);
  const root = (draft ?? {}) as { server?: { tls?: Record<string, unknown> }; peers?: unknown };
  const tls = root.server?.tls ?? {};
  const problems: string[] = [];
  const cert = text(tls.cert_path, 'server.tls.cert_path');
  const key = text(tls.key_path, 'server.tls.key_path');
  const ca = text(tls.ca_path, 'server.tls.ca_path');
  if (tls.enabled === true && cert !== undefined && key !== undefined) {
    const server = { enabled: true, cert_path: cert, key_path: key, require_client_cert: false, ...(ca !== undefined ? { ca_path: ca } : {}) };
    const checked = loadTlsMaterial({ server: { tls: server } } as Pick<Config, 'server'>);
    if (!checked.ok) problems.push(...checked.errors);
  }
  const peers = Array.isArray(root.peers) ? (root.peers as { tls?: { ca_path?: unknown } }[]) : [];
  const peerCas = peers.map((peer, i) => {
    const path = text(peer?.tls?.ca_path, `peers[${i}].tls.ca_path`);
    return path !== undefined ? { tls: { ca_path: path } } : {};
  });
  problems.push(...peerTlsProblems({ peers: peerCas }));
  return problems;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Legal but risky settings, reported by `validate-config` and logged at start. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.api.auth.enabled && !LOOPBACK.has(config.server.host)) {
    warnings.push(`api.auth.enabled: is false while server.host is ${config.server.host}: anyone who can reach the port can change the table`);
  }
  config.peers.forEach((peer, i) => {
    if (config.server.tls.enabled && peer.address.startsWith('http://')) {
      warnings.push(`peers[${i}].address: ${peer.address} is plain HTTP while server.tls.enabled is true`);
    }
    if (!peer.auth_token) warnings.push(`peers[${i}].auth_token: not set: this peering is not authenticated`);
  });
  return warnings;
}

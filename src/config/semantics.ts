import { invalidNetwork } from '../allow-list.js';
import { alertLevelProblems } from './alert-levels.js';
import { headerValueProblem } from './header-value.js';
import { peerAddressProblem } from './peer-address.js';
import type { Config } from './schema.js';

/** Rules that span several keys, which a schema cannot say. */
export function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  const tls = config.server.tls;
  if (tls.enabled) {
    if (!tls.cert_path) problems.push('server.tls.cert_path: is required when server.tls.enabled is true');
    if (!tls.key_path) problems.push('server.tls.key_path: is required when server.tls.enabled is true');
  }
  if (tls.require_client_cert && !tls.ca_path) {
    problems.push('server.tls.ca_path: is required when server.tls.require_client_cert is true');
  }
  if (config.api.auth.enabled && config.api.auth.tokens.length === 0) {
    problems.push('api.auth.tokens: must list at least one token when api.auth.enabled is true');
  }
  problems.push(...duplicates(config.api.auth.tokens.map((t) => t.id), (i) => `api.auth.tokens[${i}].id: duplicate token id`));
  problems.push(
    ...duplicates(config.api.auth.tokens.map((t) => t.secret), (i) => `api.auth.tokens[${i}].secret: the same secret is used by another token`),
  );
  problems.push(...duplicates(config.peers.map((p) => p.id), (i) => `peers[${i}].id: duplicate peer id`));
  problems.push(...secretProblems(config));
  config.peers.forEach((peer, i) => {
    if (peer.id === config.node.id) problems.push(`peers[${i}].id: a node cannot peer with itself (node.id is "${config.node.id}")`);
    const addressProblem = peerAddressProblem(peer.address);
    if (addressProblem) problems.push(`peers[${i}].address: ${addressProblem}`);
  });
  if (config.protocol.session_timeout_seconds <= config.protocol.heartbeat_interval_seconds) {
    problems.push('protocol.session_timeout_seconds: must be greater than protocol.heartbeat_interval_seconds');
  }
  const badApiNetwork = invalidNetwork(config.api.allowed_networks);
  if (badApiNetwork) problems.push(`api.allowed_networks: ${badApiNetwork} is not an IPv4 or IPv6 address or CIDR block`);
  config.peers.forEach((peer, i) => {
    const bad = invalidNetwork(peer.allowed_networks);
    if (bad) problems.push(`peers[${i}].allowed_networks: ${bad} is not an IPv4 or IPv6 address or CIDR block`);
  });
  if (config.protocol.reconnect_max_seconds < config.protocol.reconnect_min_seconds) {
    problems.push('protocol.reconnect_max_seconds: must not be less than protocol.reconnect_min_seconds');
  }
  problems.push(...alertLevelProblems(config.alerts.levels));
  return problems;
}

function duplicates(values: string[], describe: (index: number) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  values.forEach((value, i) => {
    if (seen.has(value)) out.push(describe(i));
    seen.add(value);
  });
  return out;
}

/** Token secrets and peer tokens must be sendable in an Authorization header; the key named is the one that holds the value. */
function secretProblems(config: Config): string[] {
  const problems: string[] = [];
  config.api.auth.tokens.forEach((token, i) => {
    const problem = headerValueProblem(token.secret);
    if (problem) problems.push(`api.auth.tokens[${i}].${token.secret_file !== undefined ? 'secret_file' : 'secret'}: ${problem}`);
  });
  config.peers.forEach((peer, i) => {
    const problem = peer.auth_token === undefined ? undefined : headerValueProblem(peer.auth_token);
    if (problem) problems.push(`peers[${i}].${peer.auth_token_file !== undefined ? 'auth_token_file' : 'auth_token'}: ${problem}`);
  });
  return problems;
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText, resolveConfigPath } from '../../src/config/load.js';
import { nearestKey } from '../../src/protocol/schema-errors.js';

const parse = (text: string, env: Record<string, string> = {}) => parseConfigText(text, 'test.yaml', env);
const errorsOf = (text: string, env: Record<string, string> = {}) => {
  const result = parse(text, env);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.errors;
};

describe('configuration defaults', () => {
  it('fills every key but node.id with its documented default', () => {
    const result = parse('node: { id: n1 }');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toEqual({
      node: { id: 'n1', name: 'n1' },
      server: {
        host: '127.0.0.1',
        port: 8080,
        tls: { enabled: false, require_client_cert: false },
        timeouts: { headers_seconds: 10, request_seconds: 30, keep_alive_seconds: 65 },
      },
      api: {
        auth: { enabled: false, tokens: [] },
        allowed_networks: [],
        rate_limit: { enabled: true, requests_per_second: 1000, burst: 5000 },
        body_limit_bytes: 1048576,
        max_json_depth: 64,
      },
      peers: [],
      storage: { type: 'file', file_path: './data', cleanup: { enabled: true, cdm_retention_hours: 168, object_retention_hours: 720, interval_minutes: 10 } },
      logging: { level: 'info', format: 'json', output: 'stdout' },
      protocol: {
        heartbeat_interval_seconds: 30,
        session_timeout_seconds: 120,
        max_hop_count: 10,
        tca_grace_minutes: 60,
        rate_limit: { messages_per_second: 2000, burst: 4000, sync_messages_per_second: 20000, sync_window_seconds: 300 },
        queue_max_messages: 10000,
        max_in_flight: 4,
        sync_in_flight: 16,
        batch_max_messages: 100,
        batch_linger_ms: 0,
        request_timeout_seconds: 10,
        shutdown_drain_seconds: 5,
        reconnect_min_seconds: 1,
        reconnect_max_seconds: 60,
        seen_cache_size: 100000,
        seen_cache_ttl_seconds: 3600,
      },
      metrics: { auth: false },
      audit: { enabled: true, retention_hours: 720 },
      trust: { mode: 'log', keys: [], delegates: [] },
      pc: { enabled: true, default_hbr_m: 20, disagreement_factor: 10 },
      subscriptions: {
        max: 100,
        retry_max_hours: 24,
        retry_min_seconds: 1,
        retry_cap_seconds: 300,
        request_timeout_seconds: 10,
        allowed_hosts: [],
        stream_heartbeat_seconds: 15,
        stream_buffer_bytes: 1048576,
        stream_stall_seconds: 30,
        log_retention_hours: 168,
        log_max_entries: 100000,
      },
      alerts: {
        levels: [
          { name: 'red', min_pc: 1e-4 },
          { name: 'yellow', min_pc: 1e-5 },
        ],
      },
    });
  });

  it('refuses a non-positive default radius and a disagreement factor of 1 or less, naming the key', () => {
    const result = parse('node: { id: n1 }\npc: { default_hbr_m: 0, disagreement_factor: 1 }\nalerts: { levels: [{ name: red, min_pc: 2 }] }');
    expect(result.ok).toBe(false);
    const errors = result.ok ? '' : result.errors.join('\n');
    expect(errors).toContain('pc.default_hbr_m');
    expect(errors).toContain('pc.disagreement_factor');
    expect(errors).toContain('alerts.levels[0].min_pc');
  });

  it('refuses alert levels with a duplicate name, a shared min_pc or a built-in name, naming the entry', () => {
    const errors = errorsOf(
      'node: { id: n1 }\nalerts:\n  levels:\n    - { name: red, min_pc: 1.0e-4 }\n    - { name: red, min_pc: 1.0e-5 }\n    - { name: amber, min_pc: 1.0e-4 }\n    - { name: green, min_pc: 1.0e-6 }\n    - { name: Unknown, min_pc: 1.0e-7 }\n',
    ).join('\n');
    expect(errors).toMatch(/alerts\.levels\[1\]\.name: duplicate level name "red" \(also alerts\.levels\[0\]\.name\)/);
    expect(errors).toMatch(/alerts\.levels\[2\]\.min_pc: 0\.0001 is also the min_pc of alerts\.levels\[0\]/);
    expect(errors).toMatch(/alerts\.levels\[3\]\.name: "green" is a built-in level/);
    expect(errors).toMatch(/alerts\.levels\[4\]\.name: "Unknown" is a built-in level/);
    expect(errors).not.toMatch(/^alerts\.levels\[0\]/m);
    expect(parse('node: { id: n1 }\nalerts: { levels: [{ name: red, min_pc: 1.0e-4 }, { name: amber, min_pc: 1.0e-6 }] }').ok).toBe(true);
    expect(parse('node: { id: n1 }\nalerts: { levels: [] }').ok).toBe(true);
  });

  it('fills peer policy defaults', () => {
    const result = parse('node: { id: n1 }\npeers: [{ id: p1, address: "http://127.0.0.1:9", auth_token: t, policies: { forward_cdm: false } }]');
    if (!result.ok) throw new Error(result.errors.join());
    expect(result.config.peers[0]?.allowed_networks).toEqual([]);
    expect(result.config.peers[0]?.policies).toEqual({
      accept_cdm: true,
      accept_object_state: true,
      accept_maneuver: true,
      forward_cdm: false,
      forward_object_state: true,
      forward_maneuver: true,
      filters: [],
    });
  });

  it('requires node.id', () => {
    expect(errorsOf('server: { port: 8080 }')).toContain('node: is required');
    expect(errorsOf('node: { name: x }')).toContain('node.id: is required');
  });
});

describe('environment substitution', () => {
  it('replaces ${NAME} anywhere in a string', () => {
    const result = parse('node: { id: "n-${SITE}", name: "${SITE} node" }', { SITE: 'kiruna' });
    expect(result.ok && result.config.node).toEqual({ id: 'n-kiruna', name: 'kiruna node' });
  });

  it('names the unset variable and the key that uses it', () => {
    const errors = errorsOf('node: { id: n1 }\npeers:\n  - id: p1\n    address: "http://127.0.0.1:1"\n    auth_token: "${PEER_A_TOKEN}"');
    expect(errors).toContain('peers[0].auth_token: environment variable PEER_A_TOKEN is not set');
  });

  it('supports a fallback and a literal dollar', () => {
    const result = parse('node: { id: "${ID:-fallback}", name: "costs $$5" }');
    expect(result.ok && result.config.node).toEqual({ id: 'fallback', name: 'costs $5' });
  });
});

describe('schema errors', () => {
  it('names the path of every problem at once', () => {
    const errors = errorsOf(`
node: { id: n1 }
server: { port: 70000 }
peers:
  - { id: p0, address: "http://127.0.0.1:1" }
  - { id: p1, address: "ftp://example.com" }
logging: { level: loud }
`);
    expect(errors).toContain('peers[1].address: must be an http(s) URL');
    expect(errors).toContain('server.port: must be a port number from 0 to 65535 (0: any free port)');
    expect(errors).toContain('logging.level: must be one of debug, info, warn, error');
    expect(errors.length).toBe(3);
  });

  it('reports an unknown key with the nearest known key', () => {
    const errors = errorsOf('node: { id: n1 }\nserver: { prot: 8080 }\nprotocol: { heartbeat_interval_second: 5 }');
    expect(errors).toContain('server.prot: unknown key (did you mean "port"?)');
    expect(errors).toContain('protocol.heartbeat_interval_second: unknown key (did you mean "heartbeat_interval_seconds"?)');
  });

  it('lists the known keys when nothing is close', () => {
    const errors = errorsOf('node: { id: n1 }\nzzzzzzzz: 1');
    expect(errors[0]).toMatch(/^zzzzzzzz: unknown key \(known keys: node, server, api/);
  });

  it('checks rules that span keys', () => {
    const errors = errorsOf(`
node: { id: n1 }
server: { tls: { enabled: true, require_client_cert: true } }
api: { auth: { enabled: true } }
peers:
  - { id: n1, address: "http://127.0.0.1:1" }
  - { id: n1, address: "http://127.0.0.1:2" }
`);
    expect(errors).toEqual(
      expect.arrayContaining([
        'server.tls.cert_path: is required when server.tls.enabled is true',
        'server.tls.key_path: is required when server.tls.enabled is true',
        'server.tls.ca_path: is required when server.tls.require_client_cert is true',
        'api.auth.tokens: must list at least one token when api.auth.enabled is true',
        'peers[1].id: duplicate peer id',
        'peers[0].id: a node cannot peer with itself (node.id is "n1")',
      ]),
    );
  });

  it('gives the line of invalid YAML', () => {
    const errors = errorsOf('node:\n  id: n1\n  name: [unclosed\nserver: {}\n');
    expect(errors[0]).toMatch(/^test\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('refuses a document that is not a mapping', () => {
    expect(errorsOf('- a\n- b')[0]).toMatch(/must be a YAML mapping/);
  });

  it('never repeats a secret in its errors', () => {
    const errors = errorsOf('node: { id: n1 }\napi: { auth: { enabled: true, tokens: [{ id: a, secret: short-secret }] } }');
    expect(errors).toContain('api.auth.tokens[0].secret: must be at least 16 characters');
    expect(errors.join('\n')).not.toContain('short-secret');
  });
});

describe('environment variables of the node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spacecomms-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the file from SPACECOMMS_CONFIG when --config is absent', () => {
    expect(resolveConfigPath(undefined, { SPACECOMMS_CONFIG: '/x.yaml' })).toBe('/x.yaml');
    expect(resolveConfigPath('/flag.yaml', { SPACECOMMS_CONFIG: '/x.yaml' })).toBe('/flag.yaml');
    expect(resolveConfigPath(undefined, {})).toBeUndefined();
  });

  it('lets SPACECOMMS_LOG_LEVEL override logging.level, and checks it', () => {
    const path = join(dir, 'c.yaml');
    writeFileSync(path, 'node: { id: n1 }\nlogging: { level: info }\n');
    const loaded = loadConfig(path, { SPACECOMMS_LOG_LEVEL: 'debug' });
    expect(loaded.ok && loaded.config.logging.level).toBe('debug');
    const bad = loadConfig(path, { SPACECOMMS_LOG_LEVEL: 'chatty' });
    expect(!bad.ok && bad.errors[0]).toBe('SPACECOMMS_LOG_LEVEL: must be one of debug, info, warn, error (got "chatty")');
  });

  it('names an unreadable file', () => {
    const loaded = loadConfig(join(dir, 'missing.yaml'), {});
    expect(!loaded.ok && loaded.errors[0]).toBe(`cannot read configuration file ${join(dir, 'missing.yaml')}: no such file`);
  });

  it('accepts the runbook configuration once its variables are set', () => {
    const text = readFileSync(new URL('../../examples/config.yaml', import.meta.url), 'utf8');
    const unset = parse(text);
    expect(!unset.ok && unset.errors).toEqual([
      'api.auth.tokens[0].secret: environment variable SPACECOMMS_ADMIN_TOKEN is not set',
      'api.auth.tokens[1].secret: environment variable SPACECOMMS_READONLY_TOKEN is not set',
      'peers[0].auth_token: environment variable PEER_A_TOKEN is not set',
    ]);
    const set = parse(text, {
      SPACECOMMS_ADMIN_TOKEN: 'admin-secret-0123456789',
      SPACECOMMS_READONLY_TOKEN: 'read-secret-0123456789',
      PEER_A_TOKEN: 'peer-secret',
    });
    expect(set.ok).toBe(true);
  });
});

describe('nearest key', () => {
  it('suggests only close keys', () => {
    expect(nearestKey('adress', ['address', 'auth_token'])).toBe('address');
    expect(nearestKey('qqqq', ['address', 'auth_token'])).toBeUndefined();
  });
});

describe('configuration warnings', () => {
  it('warn about plain-HTTP peers under TLS, unauthenticated peerings and an open API on a public address', async () => {
    const { configWarnings } = await import('../../src/config/files.js');
    const result = parse(`
node: { id: n1 }
server: { host: 0.0.0.0, tls: { enabled: true, cert_path: /c, key_path: /k } }
peers:
  - { id: p1, address: "http://127.0.0.1:1" }
`);
    if (!result.ok) throw new Error(result.errors.join());
    expect(configWarnings(result.config)).toEqual([
      'api.auth.enabled: is false while server.host is 0.0.0.0: anyone who can reach the port can change the table',
      'peers[0].address: http://127.0.0.1:1 is plain HTTP while server.tls.enabled is true',
      'peers[0].auth_token: not set: this peering is not authenticated',
    ]);
  });
});

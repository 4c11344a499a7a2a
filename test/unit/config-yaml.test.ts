import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_ALIAS_COUNT, parseConfigText } from '../../src/config/load.js';
import { runValidateConfig } from '../../src/cli/validate.js';
import { aliasBomb, sharedPolicyPeers } from '../helpers/config-yaml.js';

const parse = (text: string, env: Record<string, string> = {}) => parseConfigText(text, 'test.yaml', env);
const errorsOf = (text: string, env: Record<string, string> = {}) => {
  const result = parse(text, env);
  if (result.ok) throw new Error('expected the configuration to be refused');
  return result.errors;
};

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('YAML limits', () => {
  it('loads 150 peers sharing an anchored policy block, with merge keys', () => {
    const result = parse(`node: { id: hub }\n${sharedPolicyPeers(150)}`);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.config.peers).toHaveLength(150);
    expect(result.config.peers[148]?.policies).toMatchObject({ accept_maneuver: false, forward_maneuver: true, filters: [{ type: 'object_type', values: ['PAYLOAD', 'DEBRIS'] }] });
    expect(result.config.peers[149]?.policies).toMatchObject({ accept_maneuver: false, forward_maneuver: false, accept_cdm: true });
  });

  it('refuses an alias bomb without throwing, naming the limit', () => {
    const started = Date.now();
    const errors = errorsOf(`node: { id: bomb }\n${aliasBomb(9)}`);
    expect(errors.join('\n')).toContain(`more than ${MAX_ALIAS_COUNT}`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses syntax errors, unresolved aliases and a non-mapping with the line', () => {
    expect(errorsOf('node: { id: n1\n')[0]).toMatch(/^test\.yaml:\d+:\d+: invalid YAML/);
    expect(errorsOf('node: { id: n1 }\npeers: *nowhere\n')[0]).toMatch(/^test\.yaml.*invalid YAML/);
    expect(errorsOf('- just\n- a list\n')[0]).toContain('must be a YAML mapping');
  });
});

describe('secrets that cannot travel in a header', () => {
  const token = (secret: string) => `node: { id: n1 }\napi: { auth: { enabled: true, tokens: [{ id: t, secret: "${secret}", permissions: [read] }] } }\n`;

  it.each([
    ['a newline', 'abcdefghijklmnop\\nq'],
    ['a control character', 'abcdefghijklmnop\\u0007'],
    ['a non-ASCII character', 'abcdefghijklmnöpq'],
    ['a space', 'abcdefgh ijklmnopq'],
  ])('refuses a token secret with %s, naming the key', (_what, secret) => {
    expect(errorsOf(token(secret)).join('\n')).toMatch(/^api\.auth\.tokens\[0\]\.secret: contains /m);
  });

  it('refuses a peer auth_token and a secret file holding non-ASCII, naming the key', () => {
    const peer = 'node: { id: n1 }\npeers: [{ id: p1, address: "http://127.0.0.1:9", auth_token: "tok\\tten-secret-value" }]\n';
    expect(errorsOf(peer).join('\n')).toContain('peers[0].auth_token: contains character U+0009');
    const file = join(dir, 'secret');
    writeFileSync(file, 'sëcret-from-a-file-0123\n', { mode: 0o600 });
    const fromFile = `node: { id: n1 }\napi: { auth: { enabled: true, tokens: [{ id: t, secret_file: "${file}", permissions: [read] }] } }\n`;
    expect(errorsOf(fromFile).join('\n')).toContain('api.auth.tokens[0].secret_file: contains character U+00EB');
  });

  it('accepts printable ASCII secrets', () => {
    expect(parse(token('Abc.def~ghi+jkl/mno=_-0123')).ok).toBe(true);
  });
});

describe('validate-config', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reports every problem at once, TLS files included while a variable is unset', () => {
    const path = join(dir, 'all-problems.yaml');
    writeFileSync(
      path,
      `node: { id: "\${SPACECOMMS_TEST_UNSET_NODE_ID}" }
server:
  tls: { enabled: true, cert_path: ${join(dir, 'missing-cert.pem')}, key_path: ${join(dir, 'missing-key.pem')} }
peers:
  - { id: p1, address: "http://127.0.0.1:9", tls: { ca_path: ${join(dir, 'missing-ca.pem')} } }
api: { rate_limit: { burst: 0 } }
`,
    );
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void printed.push(String(line)));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(runValidateConfig(path)).toBe(1);
    const output = printed.join('\n');
    expect(output).toContain('node.id: environment variable SPACECOMMS_TEST_UNSET_NODE_ID is not set');
    expect(output).toContain('api.rate_limit.burst');
    expect(output).toContain('server.tls.cert_path: cannot read');
    expect(output).toContain('server.tls.key_path: cannot read');
    expect(output).toContain('peers[0].tls.ca_path: cannot read');
    expect(output).toMatch(/configuration invalid: 5 problem\(s\)/);
  });
});

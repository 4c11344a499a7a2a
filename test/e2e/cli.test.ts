import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli, type RunningNode } from '../helpers/cli.js';
import { sampleCdm } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUNBOOK_ENV = {
  SPACECOMMS_ADMIN_TOKEN: 'e2e-admin-token-0123456789',
  SPACECOMMS_READONLY_TOKEN: 'e2e-readonly-token-0123456789',
  PEER_A_TOKEN: 'e2e-peer-a-token',
};

function makeCertificates(): { cert: string; key: string; ca: string } {
  const paths = { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt') };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', paths.key, '-out', paths.cert], { stdio: 'ignore' });
  copyFileSync(paths.cert, paths.ca);
  return paths;
}

describe('validate-config on the runbook configuration', () => {
  const example = join(ROOT, 'examples/config.yaml');

  it('names every unset variable and exits 1', () => {
    const result = runCli(['validate-config', '--config', example]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('api.auth.tokens[0].secret: environment variable SPACECOMMS_ADMIN_TOKEN is not set');
    expect(result.stderr).toContain('api.auth.tokens[1].secret: environment variable SPACECOMMS_READONLY_TOKEN is not set');
    expect(result.stderr).toContain('peers[0].auth_token: environment variable PEER_A_TOKEN is not set');
  });

  it('with the variables set, names the certificate files that are missing', () => {
    const result = runCli(['validate-config', '--config', example], RUNBOOK_ENV);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('server.tls.cert_path: cannot read /etc/spacecomms/certs/server.crt: no such file');
    expect(result.stderr).toContain('server.tls.key_path: cannot read /etc/spacecomms/certs/server.key: no such file');
    expect(result.stderr).toContain('server.tls.ca_path: cannot read /etc/spacecomms/certs/ca.crt: no such file');
    for (const secret of Object.values(RUNBOOK_ENV)) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('passes once the certificate files it names exist, and catches a key that does not match', () => {
    const certs = makeCertificates();
    const text = readFileSync(example, 'utf8')
      .replace('/etc/spacecomms/certs/server.crt', certs.cert)
      .replace('/etc/spacecomms/certs/server.key', certs.key)
      .replace('/etc/spacecomms/certs/ca.crt', certs.ca);
    const path = join(dir, 'config.yaml');
    writeFileSync(path, text);
    const ok = runCli(['validate-config', '--config', path], RUNBOOK_ENV);
    expect(ok.stdout).toContain('configuration valid');
    expect(ok.code).toBe(0);

    execFileSync('openssl', ['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', join(dir, 'other.key')], { stdio: 'ignore' });
    writeFileSync(path, text.replace(certs.key, join(dir, 'other.key')));
    const mismatch = runCli(['validate-config', '--config', path], RUNBOOK_ENV);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain(`server.tls.key_path: ${join(dir, 'other.key')} does not match the certificate ${certs.cert}`);
  });

  it('takes the file from SPACECOMMS_CONFIG', () => {
    const result = runCli(['validate-config'], { SPACECOMMS_CONFIG: join(ROOT, 'examples/node-a.yaml') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('examples/node-a.yaml');
  });
});

describe('--help', () => {
  it('is there for every command', () => {
    for (const args of [[], ['start'], ['validate-config'], ['cdm'], ['cdm', 'inject'], ['cdm', 'list'], ['cdm', 'get'], ['cdm', 'withdraw'], ['peer'], ['peer', 'add'], ['peer', 'list'], ['peer', 'remove'], ['health']]) {
      const result = runCli([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toMatch(/^Usage: spacecomms/);
    }
  });
});

describe('start-up failures print one line and exit non-zero', () => {
  const startFails = (args: string[], env: Record<string, string> = {}) => {
    const result = runCli(['start', ...args], env);
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0] as string;
  };

  it('for invalid YAML, with the line', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'node:\n  id: x\n  name: [oops\nserver: {}\n');
    expect(startFails(['--config', path])).toMatch(new RegExp(`^spacecomms: cannot start: ${path}:\\d+:\\d+: invalid YAML`));
  });

  it('for an unset variable', () => {
    const path = join(dir, 'unset.yaml');
    writeFileSync(path, 'node: { id: "${NODE_ID_NOT_SET}" }\n');
    expect(startFails(['--config', path])).toBe('spacecomms: cannot start: node.id: environment variable NODE_ID_NOT_SET is not set');
  });

  it('for an unreadable file', () => {
    expect(startFails(['--config', join(dir, 'nope.yaml')])).toBe(`spacecomms: cannot start: cannot read configuration file ${join(dir, 'nope.yaml')}: no such file`);
  });

  it('for a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const path = join(dir, 'busy.yaml');
      writeFileSync(path, `node: { id: busy }\nserver: { port: ${port} }\nstorage: { type: memory }\n`);
      expect(startFails(['--config', path])).toBe(`spacecomms: cannot start: cannot listen on 127.0.0.1:${port}: address already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('a running node driven through the command line', () => {
  let node: RunningNode;
  const admin = 'cli-admin-token-0123456789';
  const env = { SPACECOMMS_TOKEN: admin };

  beforeAll(async () => {
    const path = join(dir, 'run.yaml');
    writeFileSync(
      path,
      `node: { id: cli-node }\nserver: { port: 0 }\nstorage: { type: memory }\napi:\n  auth:\n    enabled: true\n    tokens:\n      - { id: admin, secret: "\${ADMIN}", permissions: [admin] }\n`,
    );
    node = await startCli(['--config', path], { ADMIN: admin });
  });
  afterAll(async () => {
    await node.stop('SIGKILL');
  });

  const cli = (...args: string[]) => runCli([...args, '--node', node.url], env);

  it('injects, lists, gets and withdraws CDMs', () => {
    const file = join(dir, 'cdm.json');
    writeFileSync(file, JSON.stringify(sampleCdm({ cdm_id: 'CLI-1' })));
    const injected = cli('cdm', 'inject', file);
    expect(injected.code).toBe(0);
    expect(JSON.parse(injected.stdout)).toMatchObject({ cdm_id: 'CLI-1', status: 'accepted' });
    expect(JSON.parse(cli('cdm', 'list').stdout)).toMatchObject({ total: 1, cdms: [{ cdm_id: 'CLI-1' }] });
    expect(JSON.parse(cli('cdm', 'get', 'CLI-1').stdout)).toMatchObject({ cdm_id: 'CLI-1', status: 'active' });
    expect(JSON.parse(cli('cdm', 'withdraw', 'CLI-1', '--reason', 'ERROR').stdout)).toMatchObject({ status: 'withdrawn', reason: 'ERROR' });
    const missing = cli('cdm', 'get', 'NOPE');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HTTP 404: not_found');
  });

  it('injects a CCSDS KVN file and prints a CDM as KVN', () => {
    const file = join(dir, 'cdm.kvn');
    copyFileSync(join(ROOT, 'test/fixtures/ccsds/CDMExample2.kvn'), file);
    const injected = cli('cdm', 'inject', file);
    expect(JSON.parse(injected.stdout)).toMatchObject({ cdm_id: '201113719185', status: 'accepted' });
    const kvn = cli('cdm', 'get', '201113719185', '--format', 'kvn');
    expect(kvn.stdout).toMatch(/^CCSDS_CDM_VERS\s*=/m);
    expect(kvn.stdout).toMatch(/^TCA\s*=\s*2010-03-13T22:37:52\.618/m);
  });

  it('adds, lists and removes peers, and reports health', () => {
    expect(JSON.parse(cli('peer', 'add', 'far-node', 'http://127.0.0.1:9', '--auth-token', 'far-node-secret').stdout)).toEqual({ peer_id: 'far-node', status: 'connecting' });
    const list = cli('peer', 'list');
    expect(JSON.parse(list.stdout).peers[0]).toMatchObject({ peer_id: 'far-node' });
    expect(list.stdout).not.toContain('far-node-secret');
    expect(JSON.parse(cli('peer', 'remove', 'far-node').stdout)).toEqual({ peer_id: 'far-node', status: 'removed' });
    const health = cli('health');
    expect(health.code).toBe(0);
    expect(JSON.parse(health.stdout)).toMatchObject({ status: 'healthy', node_id: 'cli-node' });
  });

  it('refuses a missing token with a clear message', () => {
    const result = runCli(['cdm', 'list', '--node', node.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 401: unauthorized');
  });

  it('never writes a secret to its log', () => {
    expect(node.output()).not.toContain(admin);
    expect(node.output()).not.toContain('far-node-secret');
  });
});

describe('graceful stop', () => {
  it('exits 0 on SIGTERM after logging its stop', async () => {
    const path = join(dir, 'plain.yaml');
    writeFileSync(path, `node: { id: plain }\nserver: { port: 0 }\nstorage: { file_path: ${JSON.stringify(join(dir, 'plain-data'))} }\n`);
    const node = await startCli([], { SPACECOMMS_CONFIG: path });
    expect(await node.stop('SIGTERM')).toBe(0);
    expect(node.output()).toContain('"msg":"node stopped"');
  });
});

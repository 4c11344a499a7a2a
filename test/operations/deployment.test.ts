import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, startCli } from '../helpers/cli.js';
import { http } from '../helpers/node.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'spacecomms-deploy-'));
afterAll(() => {
  chmodSync(join(dir, 'workdir'), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

/** Dockerfile instructions, continuation lines joined. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const all = (op: string) => steps.filter((s) => s.op === op).map((s) => s.args);
  const runtime = steps.slice(steps.map((s) => s.op).lastIndexOf('FROM'));

  it('is multi-stage and ships production dependencies only', () => {
    expect(all('FROM').length).toBeGreaterThanOrEqual(2);
    expect(all('FROM')[0]).toMatch(/^node:20\S* AS build$/);
    expect(all('RUN').join('\n')).toMatch(/npm ci[\s\S]*npm prune --omit=dev/);
    expect(runtime.filter((s) => s.op === 'COPY').every((s) => s.args.startsWith('--from=build'))).toBe(true);
  });

  it('runs as user 1000 with the runbook\'s entry point, port, health check and data directory', () => {
    expect(runtime.find((s) => s.op === 'USER')?.args).toBe('1000:1000');
    expect(JSON.parse(all('ENTRYPOINT')[0] as string)).toEqual(['spacecomms']);
    expect(JSON.parse(all('CMD')[0] as string)).toEqual(['start', '--config', '/etc/spacecomms/config.yaml']);
    expect(all('EXPOSE')).toEqual(['8080']);
    expect(all('HEALTHCHECK')[0]).toContain('/health');
    expect(all('VOLUME')[0]).toContain('/var/lib/spacecomms');
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown> };
  const service = compose.services.spacecomms as Record<string, unknown>;

  it('has the runbook\'s hardening', () => {
    expect(service.security_opt).toContain('no-new-privileges:true');
    expect(service.read_only).toBe(true);
    expect(service.tmpfs).toContain('/tmp');
    expect(service.user).toBe('1000:1000');
  });

  it('mounts the configuration read-only and the data in a volume', () => {
    const volumes = service.volumes as string[];
    expect(volumes).toContain('./deploy/docker:/etc/spacecomms:ro');
    expect(volumes.some((v) => v.endsWith(':/var/lib/spacecomms'))).toBe(true);
    expect(Object.keys(compose.volumes)).toContain('spacecomms-data');
  });
});

describe('deploy/spacecomms.service', () => {
  const unit = read('deploy/spacecomms.service');
  const value = (key: string) => unit.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);

  it('is the runbook\'s unit with reload and sandboxing that still lets it write its data', () => {
    expect(value('User')).toBe('spacecomms');
    expect(value('Group')).toBe('spacecomms');
    expect(value('Restart')).toBe('always');
    expect(value('RestartSec')).toBe('10');
    expect(value('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(value('ExecStart')).toMatch(/spacecomms start --config \/etc\/spacecomms\/config\.yaml$/);
    expect(value('NoNewPrivileges')).toBe('true');
    expect(value('ProtectSystem')).toBe('strict');
    expect(value('ReadWritePaths')).toBe('/var/lib/spacecomms');
    expect(value('StateDirectory')).toBe('spacecomms');
  });
});

describe("the image's command outside a container", () => {
  it('starts from a read-only working directory with the configuration at another path, and writes only its data directory', async () => {
    const workdir = join(dir, 'workdir');
    mkdirSync(workdir);
    const etc = join(dir, 'etc');
    mkdirSync(etc);
    const data = join(dir, 'var-lib-spacecomms');
    const configText = read('deploy/docker/config.yaml').replace('/var/lib/spacecomms/data', join(data, 'data')).replace('host: "0.0.0.0"', 'host: "127.0.0.1"').replace('port: 8080', 'port: 0');
    writeFileSync(join(etc, 'config.yaml'), configText);
    chmodSync(workdir, 0o555);

    const dockerfile = instructions(read('Dockerfile'));
    const cmd = JSON.parse(dockerfile.find((s) => s.op === 'CMD')?.args as string) as string[];
    expect(cmd[0]).toBe('start');
    const args = cmd.slice(1).map((arg) => (arg === '/etc/spacecomms/config.yaml' ? join(etc, 'config.yaml') : arg));
    const node = await startCli(args, { SPACECOMMS_NODE_ID: 'container-node', SPACECOMMS_ADMIN_TOKEN: 'container-admin-token-0123', SPACECOMMS_READONLY_TOKEN: 'container-read-token-0123' }, workdir);
    try {
      const health = await http(node.url, 'GET', '/health');
      expect(health.json).toMatchObject({ status: 'healthy', node_id: 'container-node' });
    } finally {
      expect(await node.stop()).toBe(0);
    }
    expect(readdirSync(workdir)).toEqual([]);
    expect(readdirSync(join(data, 'data'))).toContain('spacecomms.db');
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, AUTH_YAML, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-view-'));
const configPath = join(dir, 'node.yaml');
let node: TestNode;

beforeAll(async () => {
  const yaml = `node: { id: viewed }\nserver: { port: 0 }\n${AUTH_YAML}storage: { type: memory }\n`;
  writeFileSync(configPath, yaml);
  node = await startTestNode(yaml, configPath);
});
afterAll(async () => {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('what the operator sees', () => {
  it('logs a routing decision for a message originated at this node', async () => {
    const res = await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'VIEW-1' }) });
    expect(res.status).toBe(201);
    const decision = node.logs.withMsg('routing decision').find((l) => l.peer === 'viewed' && l.message_type === 'CDM_ANNOUNCE');
    expect(decision).toMatchObject({ decision: 'accepted', forwarded_to: [] });
    const again = await http(node.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'VIEW-1' }) });
    expect(again.status).toBe(200);
    expect(node.logs.withMsg('routing decision').some((l) => l.peer === 'viewed' && l.decision === 'unchanged')).toBe(true);
  });

  it('answers a reload with the restart-only keys it did not apply', async () => {
    const text = readFileSync(configPath, 'utf8').replace('port: 0', 'port: 0, host: 127.0.0.2').replace('storage: { type: memory }', 'storage: { type: memory }\nlogging: { level: warn }');
    writeFileSync(configPath, text);
    const res = await http(node.url, 'POST', '/admin/reload', { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.json.not_applied).toEqual(['server.host']);
    expect(res.json.changes).toContain('log level warn');
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEERING_SECRET } from '../helpers/network.js';
import { AUTH_YAML, http, startTestNode, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(path.join(tmpdir(), 'spacecomms-unauth-'));
let node: TestNode;

beforeAll(async () => {
  // The configured peer's address is never answered (and, after the first try, not tried for
  // ten minutes, so that the node itself writes nothing meanwhile): the test plays every sender.
  node = await startTestNode(`node: { id: guarded }\nserver: { port: 0 }\n${AUTH_YAML}
storage: { type: file, file_path: ${JSON.stringify(dir)} }
protocol: { reconnect_min_seconds: 600, reconnect_max_seconds: 600 }
peers:
  - { id: known, address: "http://127.0.0.1:9", auth_token: ${PEERING_SECRET} }
`);
});
afterAll(async () => {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
});

const hello = (nodeId: string) => ({
  protocol_version: '1.0',
  message_id: randomUUID(),
  timestamp: new Date().toISOString(),
  source_node_id: nodeId,
  message_type: 'HELLO',
  hop_count: 0,
  ttl: 1,
  path: [nodeId],
  payload: { node_name: nodeId, capabilities: ['CDM'], supported_versions: ['1.0'] },
});

const asPeer = (nodeId: string, token: string) =>
  http(node.url, 'POST', '/spacecomms/v1/messages', { token, headers: { 'x-spacecomms-node-id': nodeId }, body: hello(nodeId) });

const walBytes = () => {
  try {
    return statSync(path.join(dir, 'spacecomms.db-wal')).size + statSync(path.join(dir, 'spacecomms.db')).size;
  } catch {
    return 0;
  }
};

describe('unauthenticated requests', () => {
  it('get the same 401 whether the peer id exists or not', async () => {
    const wrongToken = await asPeer('known', 'not-the-peering-secret');
    const unknownPeer = await asPeer('ghost', 'not-the-peering-secret');
    const unknownRightToken = await asPeer('ghost', PEERING_SECRET);
    for (const res of [wrongToken, unknownPeer, unknownRightToken]) expect(res.status).toBe(401);
    const shape = (res: typeof wrongToken) => ({ type: res.json.message_type, payload: res.json.payload, keys: Object.keys(res.json).sort() });
    const strip = (res: typeof wrongToken) => ({ ...shape(res), payload: { ...(res.json.payload as object), related_message_id: undefined } });
    expect(strip(unknownPeer)).toEqual(strip(wrongToken));
    expect(strip(unknownRightToken)).toEqual(strip(wrongToken));
    expect(JSON.stringify(wrongToken.json)).not.toMatch(/unknown|wrong|ghost|known peer/i);
  });

  it('write nothing to the store and log once per kind, with the repeats summarized', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400)); // the first test's audit rows, if any, are flushed
    const failures = (node.node as unknown as { inbound: { authFailures: { summarize(): void } } }).inbound.authFailures;
    failures.summarize(); // the first test's repeats
    const auditBefore = node.node.store.audit.query({ limit: 1, offset: 0 }).total;
    const bytesBefore = walBytes();
    const linesBefore = node.logs.withMsg('authentication failed').length;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      sends.push(asPeer('known', `wrong-${i}`));
      sends.push(asPeer(`ghost-${i}`, 'whatever'));
      sends.push(http(node.url, 'GET', '/cdms', { token: `not-a-token-${i}` }));
    }
    const answers = (await Promise.all(sends)) as { status: number }[];
    expect(answers.every((a) => a.status === 401)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(node.node.store.audit.query({ limit: 1, offset: 0 }).total).toBe(auditBefore);
    expect(walBytes()).toBe(bytesBefore);
    const lines = node.logs.withMsg('authentication failed').length - linesBefore;
    expect(lines).toBeLessThanOrEqual(3);
    expect(node.logs.raw.join('\n')).not.toContain('wrong-1');

    failures.summarize();
    const summary = node.logs.withMsg('authentication failures repeated').at(-1);
    expect(summary?.count).toBe(180 - lines);
  });
});

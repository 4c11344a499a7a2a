import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/store/audit.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, link, startNetworkNodes, stopAll, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, http, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-audit-'));
const mirror = join(dir, 'audit.jsonl');
let a: TestNode;
let b: TestNode;

beforeAll(async () => {
  [a, b] = (await startNetworkNodes(['aa', 'ab'], (id) =>
    id === 'ab' ? { yaml: `audit: { file: ${JSON.stringify(mirror)} }\nstorage: { type: file, file_path: ${JSON.stringify(join(dir, 'ab'))} }\n` } : {},
  )) as [TestNode, TestNode];
  await link(a, b);
});
afterAll(async () => {
  await stopAll([a, b]);
  rmSync(dir, { recursive: true, force: true });
});

async function auditOf(node: TestNode, query: string): Promise<AuditEntry[]> {
  const res = await http(node.url, 'GET', `/audit?${query}`, { token: ADMIN_TOKEN });
  expect(res.status).toBe(200);
  return res.json.entries as AuditEntry[];
}

describe('the audit trail', () => {
  it('records a message on both sides with its envelope, digest and decision, and the duplicate', async () => {
    const posted = await http(a.url, 'POST', '/cdm', { token: WRITE_TOKEN, body: sampleCdm({ cdm_id: 'AUD-1' }) });
    expect(posted.status).toBe(201);
    await waitFor('AUD-1 at ab', () => b.node.store.getCdm('AUD-1'));
    const messageId = a.node.store.getCdm('AUD-1')?.announce?.message_id as string;

    const sent = await waitFor('sent entry', async () => (await auditOf(a, `message_id=${messageId}`)).find((e) => e.direction === 'out'));
    expect(sent).toMatchObject({ peer: 'ab', message_type: 'CDM_ANNOUNCE', source_node_id: 'aa', decision: 'delivered', hop_count: 0 });
    const received = await waitFor('received entry', async () => (await auditOf(b, `message_id=${messageId}&peer=aa`)).find((e) => e.direction === 'in'));
    expect(received).toMatchObject({ peer: 'aa', message_type: 'CDM_ANNOUNCE', decision: 'accepted' });
    expect(received.payload_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(received.payload_sha256).toBe(sent.payload_sha256);
    expect(received.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(JSON.stringify(received)).not.toContain('COSMOS');

    const replay = { ...(a.node.store.getCdm('AUD-1')?.announce as object) };
    await http(b.url, 'POST', '/spacecomms/v1/messages', { token: 'peering-secret-for-tests', headers: { 'x-spacecomms-node-id': 'aa' }, body: replay });
    const decisions = (await auditOf(b, `message_id=${messageId}`)).map((e) => e.decision);
    expect(decisions).toContain('duplicate');
  });

  it('records a peer\'s refused messages with their code, never unauthenticated requests, and answers since= and admin-only access', async () => {
    const since = new Date().toISOString();
    await http(b.url, 'POST', '/spacecomms/v1/messages', { token: 'wrong-token-here', headers: { 'x-spacecomms-node-id': 'aa' }, body: {} });
    await http(b.url, 'POST', '/spacecomms/v1/messages', { token: PEERING_SECRET, headers: { 'x-spacecomms-node-id': 'aa' }, body: {} });
    const refused = await waitFor('refusal', async () => (await auditOf(b, `since=${since}`)).find((e) => e.decision === 'refused'));
    expect(refused).toMatchObject({ code: 'INVALID_MESSAGE', peer: 'aa', direction: 'in' });
    expect((await auditOf(b, `since=${since}`)).some((e) => e.code === 'UNAUTHORIZED')).toBe(false);
    expect((await http(b.url, 'GET', '/audit', { token: READ_TOKEN })).status).toBe(403);
  });

  it('mirrors the trail as JSON lines to a file', async () => {
    const lines = () => readFileSync(mirror, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    await waitFor('a heartbeat in the mirror', () => lines().some((e) => e.direction === 'out' && e.message_type === 'HEARTBEAT'));
    expect(lines().some((e) => e.message_type === 'CDM_ANNOUNCE' && e.decision === 'accepted')).toBe(true);
  });

  it('keeps the connection history of a peer', async () => {
    const res = await http(b.url, 'GET', '/peers/aa/history', { token: READ_TOKEN });
    expect(res.status).toBe(200);
    const events = res.json.events as { event: string; negotiated_version?: string }[];
    expect(events.some((e) => e.event === 'established' && e.negotiated_version === '1.1')).toBe(true);
    expect((await http(b.url, 'GET', '/peers/nobody/history', { token: READ_TOKEN })).status).toBe(404);
  });
});

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type RunningNode } from '../helpers/cli.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { PEERING_SECRET, waitFor } from '../helpers/network.js';
import { ADMIN_TOKEN, http } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-life-'));
const running: RunningNode[] = [];
afterAll(async () => {
  await Promise.all(running.map((n) => n.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, extra = '', port = 0): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `node: { id: ${name} }\nserver: { port: ${port} }\nstorage: { type: file, file_path: ${JSON.stringify(join(dir, name))} }\n` +
      `api: { auth: { enabled: true, tokens: [{ id: admin, secret: "${ADMIN_TOKEN}", permissions: [admin] }] } }\n` +
      `protocol: { heartbeat_interval_seconds: 0.3, session_timeout_seconds: 3, reconnect_min_seconds: 0.1, reconnect_max_seconds: 0.5 }\n${extra}`,
  );
  return path;
}

async function start(name: string, extra = '', port = 0): Promise<RunningNode> {
  const node = await startCli(['--config', config(name, extra, port)]);
  running.push(node);
  return node;
}

const peersOf = async (node: RunningNode) => (await http(node.url, 'GET', '/peers', { token: ADMIN_TOKEN })).json.peers as { peer_id: string; status: string }[];
const connected = async (node: RunningNode, id: string) => (await peersOf(node)).some((p) => p.peer_id === id && p.status === 'connected');

/** A peer that completes HELLO and then never answers: messages to it stay in flight. */
async function stuckPeer(): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const message = JSON.parse(body) as { message_type: string };
      if (message.message_type !== 'HELLO') return; // never answered
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          protocol_version: '1.0',
          message_id: randomUUID(),
          timestamp: new Date().toISOString(),
          source_node_id: 'stuck',
          message_type: 'HELLO',
          hop_count: 0,
          ttl: 1,
          payload: { node_name: 'stuck', capabilities: ['CDM'], supported_versions: ['1.0'] },
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('SIGTERM', () => {
  it('answers a request in flight before exiting 0', async () => {
    const node = await start('graceful');
    const { port } = new URL(node.url);
    const body = JSON.stringify(sampleCdm({ cdm_id: 'IN-FLIGHT' }));
    // With "Expect: 100-continue" the server's 100 proves it has the request before the signal is sent.
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write(
      `POST /cdm HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
    await waitFor('100 Continue', () => received.startsWith('HTTP/1.1 100 Continue'));
    node.child.kill('SIGTERM');
    await waitFor('stop begun', () => node.output().includes('"msg":"node stopping"'));
    socket.write(body); // no half-close: HTTP clients keep their side open until the answer
    await once(socket, 'close');
    expect(received).toMatch(/HTTP\/1\.1 201 Created/);
    expect(received).toContain('"cdm_id":"IN-FLIGHT"');
    expect(await node.exited()).toBe(0);
    expect(node.output()).toContain('"msg":"node stopped"');
  });

  it('drains peer queues, and exits at once on a second signal', async () => {
    const peer = await stuckPeer();
    try {
      const node = await start('impatient', `peers:\n  - { id: stuck, address: "${peer.url}", auth_token: ${PEERING_SECRET} }\n`);
      await waitFor('session with the stuck peer', () => connected(node, 'stuck'));
      await http(node.url, 'POST', '/cdm', { token: ADMIN_TOKEN, body: sampleCdm({ cdm_id: 'QUEUED' }) });
      node.child.kill('SIGTERM');
      await waitFor('first signal logged', () => node.output().includes('"msg":"shutting down"'));
      const started = Date.now();
      expect(await node.stop('SIGTERM')).toBe(1);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(node.output()).toContain('second signal: exiting at once');
    } finally {
      peer.close();
    }
  });
});

describe('a rolling restart in a line of three', () => {
  it('loses no CDM', async () => {
    const b = await start('line-b');
    const bPort = Number(new URL(b.url).port);
    const peerB = `peers:\n  - { id: line-b, address: "${b.url}", auth_token: ${PEERING_SECRET} }\n`;
    const a = await start('line-a', peerB);
    const c = await start('line-c', peerB);
    for (const [id, node] of [['line-a', a], ['line-c', c]] as const) {
      const res = await http(b.url, 'POST', '/peers', { token: ADMIN_TOKEN, body: { peer_id: id, address: node.url, auth_token: PEERING_SECRET } });
      expect(res.status).toBe(201);
    }
    await waitFor('line connected', async () => (await connected(a, 'line-b')) && (await connected(c, 'line-b')));

    const acknowledged: string[] = [];
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const res = await http(a.url, 'POST', '/cdm', { token: ADMIN_TOKEN, body: sampleCdm({ cdm_id: `ROLL-${i}` }) });
        if (res.status === 201) acknowledged.push(`ROLL-${i}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await waitFor('some CDMs before the restart', () => acknowledged.length >= 20);
    expect(await b.stop('SIGTERM')).toBe(0);
    running.splice(running.indexOf(b), 1);
    await waitFor('CDMs while line-b is down', () => acknowledged.length >= 60);
    const restarted = await start('line-b', '', bPort);
    await waitFor('line-b back with both', async () => (await connected(restarted, 'line-a')) && (await connected(restarted, 'line-c')));
    await waitFor('CDMs after the restart', () => acknowledged.length >= 100);
    sending = false;
    await sender;

    const held = async () => {
      const res = await http(c.url, 'GET', '/cdms?limit=1000', { token: ADMIN_TOKEN });
      return new Set((res.json.cdms as { cdm_id: string }[]).map((x) => x.cdm_id));
    };
    await waitFor('every acknowledged CDM at line-c', async () => {
      const atC = await held();
      return acknowledged.every((id) => atC.has(id));
    }, 30_000);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
  }, 90_000);
});

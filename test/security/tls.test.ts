import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES } from '../../src/protocol/policies.js';
import { runCli } from '../helpers/cli.js';
import { makeDevCerts, makeExpiredCert, type DevCerts } from '../helpers/certs.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { FAST_PROTOCOL, waitFor } from '../helpers/network.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-tls-'));
let certs: DevCerts;
let foreign: DevCerts;
const nodes: TestNode[] = [];

beforeAll(() => {
  certs = makeDevCerts(join(dir, 'ours'));
  foreign = makeDevCerts(join(dir, 'foreign'));
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const PEER_SECRET = 'tls-peering-secret';

function tlsYaml(id: string, pair: { cert: string; key: string }, ca: string, extra = ''): string {
  return `node: { id: ${id} }
server:
  port: 0
  tls: { enabled: true, cert_path: ${pair.cert}, key_path: ${pair.key}, ca_path: ${ca}, require_client_cert: true }
${FAST_PROTOCOL}${extra}`;
}

async function tlsNode(id: string, pair: { cert: string; key: string }, ca: string, extra = ''): Promise<TestNode> {
  const node = await startTestNode(tlsYaml(id, pair, ca, extra));
  nodes.push(node);
  return node;
}

function port(node: TestNode): number {
  return Number(new URL(node.url).port);
}

function handshake(node: TestNode, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: port(node), servername: 'localhost', ...options }, () => resolve(socket));
    socket.on('error', reject);
  });
}

/**
 * With TLS 1.3 a client learns that its certificate was refused only after its side of
 * the handshake: the refusal arrives as an alert on the first read. Resolves with the
 * answer, or with the error; the socket is always destroyed.
 */
async function healthOver(options: tls.ConnectionOptions, node: TestNode): Promise<string | Error> {
  let socket: tls.TLSSocket | undefined;
  try {
    socket = await handshake(node, options);
    const open = socket;
    return await new Promise<string>((resolve, reject) => {
      let data = '';
      open.on('data', (chunk: Buffer) => (data += chunk.toString()));
      open.on('close', () => resolve(data));
      open.on('error', reject);
      open.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
  } catch (err) {
    return err as Error;
  } finally {
    socket?.destroy();
  }
}

describe('the TLS server', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await tlsNode('tls-server', certs.nodeA, certs.ca);
  });

  const client = () => ({ ca: certs.read(certs.ca), cert: certs.read(certs.client.cert), key: certs.read(certs.client.key) });

  it('negotiates HTTP/2 by ALPN', async () => {
    const session = http2.connect(node.url, { ...client(), servername: 'localhost' });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const request = session.request({ ':path': '/health' });
        request.on('response', (headers) => resolve(Number(headers[':status'])));
        request.on('error', reject);
        request.end();
      });
      expect(status).toBe(200);
      expect(session.alpnProtocol).toBe('h2');
    } finally {
      session.close();
    }
  });

  it('still accepts HTTP/1.1', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      https.get(`${node.url}/health`, { ...client(), servername: 'localhost', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(200);
  });

  it('speaks TLS 1.3 and refuses a TLS 1.2 client', async () => {
    const socket = await handshake(node, client());
    expect(socket.getProtocol()).toBe('TLSv1.3');
    socket.destroy();
    await expect(handshake(node, { ...client(), maxVersion: 'TLSv1.2' })).rejects.toThrow();
  });

  it('refuses a client without a certificate and one from another CA', async () => {
    const noCert = await healthOver({ ca: certs.read(certs.ca) }, node);
    expect(noCert).toBeInstanceOf(Error);
    expect(String(noCert)).toMatch(/certificate required/);
    const otherCa = await healthOver({ ca: certs.read(certs.ca), cert: foreign.read(foreign.client.cert), key: foreign.read(foreign.client.key) }, node);
    // Refused either with an alert (an error) or by the server closing the connection unanswered.
    expect(otherCa instanceof Error || otherCa === '').toBe(true);
    const good = await healthOver(client(), node);
    expect(good).toContain('200 OK');
  });
});

describe('peers over mutual TLS', () => {
  it('establish a session and exchange a CDM; a node with a foreign CA cannot', async () => {
    const b = await tlsNode('node-b', certs.nodeB, certs.ca);
    const a = await tlsNode('node-a', certs.nodeA, certs.ca, `peers:\n  - { id: node-b, address: "https://127.0.0.1:${port(b)}", auth_token: ${PEER_SECRET}, tls: { server_name: node-b } }\n`);
    // node-b learns of node-a at run time, as an operator would add it with POST /peers.
    b.node.peers.add({ peer_id: 'node-a', address: a.url, auth_token: PEER_SECRET, policies: DEFAULT_POLICIES });
    await waitFor('mTLS session', () => a.node.peers.connectedCount() === 1 && b.node.peers.connectedCount() === 1);
    a.node.router.originate('CDM_ANNOUNCE', { cdm: sampleCdm({ cdm_id: 'TLS-CDM' }) });
    await waitFor('TLS-CDM at node-b', () => b.node.store.getCdm('TLS-CDM'));

    const stranger = await tlsNode('node-x', foreign.nodeA, foreign.ca, `peers:\n  - { id: node-b, address: "https://127.0.0.1:${port(b)}", auth_token: ${PEER_SECRET} }\n`);
    await waitFor('stranger refused', () => stranger.logs.withMsg('authentication failed').length > 0);
    expect(stranger.node.peers.connectedCount()).toBe(0);
    expect(stranger.node.peers.views()[0]?.error).toMatch(/certificate/);
  });

  it('refuses a peer whose certificate is for another name, logged as authentication failed', async () => {
    const b = await tlsNode('node-b2', certs.nodeB, certs.ca);
    const a = await tlsNode('node-a2', certs.nodeA, certs.ca, `peers:\n  - { id: node-b2, address: "https://127.0.0.1:${port(b)}", auth_token: ${PEER_SECRET}, tls: { server_name: node-z } }\n`);
    const failure = await waitFor('authentication failed at node-a2', () => a.logs.withMsg('authentication failed').find((l) => l.peer === 'node-b2'));
    expect(String(failure.reason)).toMatch(/node-z|altnames|Hostname/i);
    expect(a.node.peers.connectedCount()).toBe(0);
  });
});

describe('certificate rotation', () => {
  it('a reload makes new connections use the new certificate', async () => {
    const { SpaceCommsNode } = await import('../../src/node.js');
    const { configFrom } = await import('../helpers/node.js');
    const path = join(dir, 'rotate.yaml');
    const yamlFor = (pair: { cert: string; key: string }) => `${tlsYaml('rotating', pair, certs.ca)}storage: { type: memory }\nlogging: { level: error }\n`;
    writeFileSync(path, yamlFor(certs.nodeA));
    const node = new SpaceCommsNode(configFrom(yamlFor(certs.nodeA)), { configPath: path });
    const url = await node.start();
    const served = async () => {
      const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port: Number(new URL(url).port), servername: 'localhost', ca: certs.read(certs.ca), cert: certs.read(certs.client.cert), key: certs.read(certs.client.key) }, () => resolve(s));
        s.on('error', reject);
      });
      const cn = socket.getPeerCertificate().subject.CN;
      socket.destroy();
      return cn;
    };
    try {
      expect(await served()).toBe('node-a');
      writeFileSync(path, yamlFor(certs.nodeB));
      const result = await node.reload();
      expect(result).toEqual({ ok: true, changes: ['TLS certificates replaced'], not_applied: [] });
      expect(await served()).toBe('node-b');
    } finally {
      await node.stop();
    }
  });
});

describe('start-up and validate-config with bad certificates', () => {
  function config(pair: { cert: string; key: string }): string {
    const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, `node: { id: bad }\nserver: { port: 0, tls: { enabled: true, cert_path: ${pair.cert}, key_path: ${pair.key} } }\nstorage: { type: memory }\n`);
    return path;
  }

  it('fails cleanly on a key that does not match the certificate, naming the file', () => {
    const path = config({ cert: certs.nodeA.cert, key: certs.nodeB.key });
    const start = runCli(['start', '--config', path]);
    expect(start.code).toBe(1);
    expect(start.stderr.trim()).toBe(`spacecomms: cannot start: server.tls.key_path: ${certs.nodeB.key} does not match the certificate ${certs.nodeA.cert}`);
    const validate = runCli(['validate-config', '--config', path]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain(`${certs.nodeB.key} does not match the certificate`);
  });

  it('fails cleanly on an expired certificate, naming the file', () => {
    const expired = makeExpiredCert(certs, join(dir, 'ours'));
    const start = runCli(['start', '--config', config(expired)]);
    expect(start.code).toBe(1);
    expect(start.stderr.trim()).toBe(`spacecomms: cannot start: server.tls.cert_path: ${expired.cert} expired on 2020-01-02T00:00:00.000Z`);
  });
});

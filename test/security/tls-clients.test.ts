import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDevCerts, type DevCerts } from '../helpers/certs.js';
import { waitFor } from '../helpers/network.js';
import { startTestNode, type TestNode } from '../helpers/node.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-tls-clients-'));
let certs: DevCerts;
let node: TestNode;

beforeAll(async () => {
  certs = makeDevCerts(join(dir, 'certs'));
  node = await startTestNode(`node: { id: tls-door }
server:
  port: 0
  tls: { enabled: true, cert_path: ${certs.nodeA.cert}, key_path: ${certs.nodeA.key}, ca_path: ${certs.ca}, require_client_cert: true }
`);
});
afterAll(async () => {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
});

const port = () => Number(new URL(node.url).port);

describe('the TLS port', () => {
  it('answers plain HTTP with a short answer saying it speaks HTTPS', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = tcpConnect(port(), '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: string; message: string };
    expect(body.error).toBe('validation_failed');
    expect(body.message).toMatch(/speaks HTTPS/);
  });

  it('logs a client that brings no certificate when one is required', async () => {
    await new Promise<void>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: port(), ca: readFileSync(certs.ca), servername: 'localhost', rejectUnauthorized: false }, () => {
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      });
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
    });
    const line = await waitFor('TLS handshake refused', () => node.logs.withMsg('TLS handshake refused')[0]);
    expect(String(line.reason)).toMatch(/no certificate/);
    expect(line.address).toMatch(/127\.0\.0\.1/);
  });
});

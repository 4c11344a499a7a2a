import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDevCerts, type DevCerts } from '../helpers/certs.js';
import { sampleCdm } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/network.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { ChangeHub } from '../../src/notify/hub.js';
import { ChangeStream } from '../../src/notify/stream.js';
import { MemoryChangeLog } from '../../src/store/changes.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-sse-tls-'));
let certs: DevCerts;
let node: TestNode;
beforeAll(async () => {
  certs = makeDevCerts(dir);
  node = await startTestNode(`node: { id: sse-tls }
server:
  port: 0
  tls: { enabled: true, cert_path: ${certs.nodeA.cert}, key_path: ${certs.nodeA.key}, ca_path: ${certs.ca}, require_client_cert: true }
`);
});
afterAll(async () => {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the change stream over TLS', () => {
  it('streams changes over HTTP/2', async () => {
    const tls = { ca: certs.read(certs.ca), cert: certs.read(certs.client.cert), key: certs.read(certs.client.key), servername: 'localhost' };
    const session = http2.connect(node.url, tls);
    let text = '';
    try {
      const stream = session.request({ ':path': '/events/stream?types=cdm' });
      const status = await new Promise<number>((resolve, reject) => {
        stream.on('response', (headers) => resolve(Number(headers[':status'])));
        stream.on('error', reject);
      });
      stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
      expect(status).toBe(200);
      expect(session.alpnProtocol).toBe('h2');
      const dispatcher = new Agent({ allowH2: true, connect: tls });
      const res = await request(`${node.url}/cdm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleCdm({ cdm_id: 'TLS-STREAM-1' })),
        dispatcher,
      });
      await res.body.dump();
      await dispatcher.close();
      expect(res.statusCode).toBe(201);
      await waitFor('the CDM on the stream', () => text.includes('"cdm_id":"TLS-STREAM-1"'));
      expect(text).toMatch(/id: \d+\nevent: cdm\ndata: \{/);
    } finally {
      session.destroy();
    }
  });
});

describe('a stream client that stops reading', () => {
  it('is no longer fed past its buffer bound, and is cut once stalled', async () => {
    const log = new MemoryChangeLog();
    const hub = new ChangeHub({ changes: log, durable: async () => undefined, onError: () => undefined });
    let ended: string | undefined;
    const stream = new ChangeStream(hub, { filter: {}, heartbeatMs: 20, bufferBytes: 8192, stallMs: 100, onEnd: (reason) => (ended = reason) });
    // Nobody reads the body; write 2000 changes of about 1 KiB each.
    for (let i = 0; i < 2000; i++) hub.appended(log.append({ type: 'cdm', time: new Date().toISOString(), facts: {}, data: { pad: 'x'.repeat(1000) } }));
    await waitFor('changes told', () => hub.head() === 2000);
    stream.pump();
    expect(stream.buffered()).toBeLessThan(8192 + 2048);
    await waitFor('the stalled client cut', () => ended);
    expect(ended).toBe('too_slow');
    expect(stream.body.destroyed).toBe(true);
  });

  it('is fed again once it reads, and gets every change in order', async () => {
    const log = new MemoryChangeLog();
    const hub = new ChangeHub({ changes: log, durable: async () => undefined, onError: () => undefined });
    const stream = new ChangeStream(hub, { filter: {}, heartbeatMs: 1000, bufferBytes: 8192, stallMs: 60_000, onEnd: () => undefined });
    for (let i = 0; i < 500; i++) hub.appended(log.append({ type: 'cdm', time: new Date().toISOString(), facts: {}, data: { pad: 'x'.repeat(500) } }));
    let text = '';
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => (text += c.toString()));
    stream.body.pipe(sink);
    await waitFor('all 500 changes read', () => (text.match(/^id: /gm) ?? []).length === 500);
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(Array.from({ length: 500 }, (_, k) => k + 1));
    stream.end();
  });
});

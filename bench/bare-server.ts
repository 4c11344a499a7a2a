/**
 * The baseline: a bare `node:http` server that reads the body, `JSON.parse`s it and answers
 * 201. With `--forward URL` it is one link of a relay chain: after answering, it POSTs the
 * same body to the next server over kept-alive connections (like a node forwarding to a peer).
 * Runs as its own process; prints `{"msg":"listening","url":...}` when ready.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const forwardIndex = process.argv.indexOf('--forward');
const forwardUrl = forwardIndex > 0 ? process.argv[forwardIndex + 1] : undefined;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const ANSWER = JSON.stringify({ status: 'accepted' });

function forward(body: Buffer): void {
  if (!forwardUrl) return;
  const req = http.request(forwardUrl, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
    res.resume();
  });
  req.on('error', (err) => console.error(`forward failed: ${err.message}`));
  req.end(body);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) }).end(ANSWER);
    forward(body);
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
});

process.on('SIGTERM', () => {
  server.close();
  agent.destroy();
  server.closeAllConnections();
});

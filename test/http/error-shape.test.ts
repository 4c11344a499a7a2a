import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCdm } from '../helpers/fixtures.js';
import { ADMIN_TOKEN, AUTH_YAML, READ_TOKEN, WRITE_TOKEN, http, startTestNode, type TestNode } from '../helpers/node.js';
import { rawRequest } from '../helpers/raw-http.js';
import { expectApiError, expectApiErrorShape } from '../helpers/api-errors.js';

let t: TestNode;
let host: string;
beforeAll(async () => {
  t = await startTestNode(`node: { id: node-errors }\nserver: { port: 0, timeouts: { request_seconds: 2, headers_seconds: 1 } }\n${AUTH_YAML.replace('api:\n', 'api:\n  body_limit_bytes: 4096\n')}`);
  host = new URL(t.url).host;
});
afterAll(async () => t.stop());

const auth = `Authorization: Bearer ${WRITE_TOKEN}\r\n`;

describe('errors raised before a route runs', () => {
  it('answers a bad percent-encoding with 400 validation_failed', async () => {
    const res = await rawRequest(t.url, `GET /cdms/%E0%A4%A HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n`);
    expect(res.status).toBe(400);
    expectApiErrorShape(res.status, res.json, res.body);
    expect(res.json?.error).toBe('validation_failed');
  });

  it('answers a malformed header and a duplicate Content-Length with 400 validation_failed', async () => {
    for (const request of [
      `GET /health HTTP/1.1\r\nHost: ${host}\r\nBad Header\r\n\r\n`,
      `POST /cdm HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      `GET /health HTTP/1.1\r\nHost: ${host}\r\nX-Bad: a\u0001b\r\n\r\n`,
      `NOT A REQUEST\r\n\r\n`,
    ]) {
      const res = await rawRequest(t.url, request, { writeAllFirst: true });
      expect(res.status, request).toBe(400);
      expectApiErrorShape(res.status, res.json, res.body);
      expect(res.json?.error).toBe('validation_failed');
    }
  });

  it('answers unknown routes and methods with 404 not_found', async () => {
    expectApiError(await http(t.url, 'GET', '/nothing-here', { token: READ_TOKEN }), 404, 'not_found');
    expectApiError(await http(t.url, 'PUT', '/cdms', { token: ADMIN_TOKEN, body: {} }), 404, 'not_found');
    const propfind = await rawRequest(t.url, `PROPFIND /cdms HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n\r\n`);
    expect(propfind.status).toBe(404);
    expectApiErrorShape(propfind.status, propfind.json, propfind.body);
  });

  it('answers body parse errors and a Content-Length that does not match the body in the error shape', async () => {
    expectApiError(await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: '{"cdm_id": ' }), 400, 'validation_failed');
    expectApiError(await http(t.url, 'POST', '/cdm', { token: WRITE_TOKEN, raw: '' }), 400, 'validation_failed');
    const res = await rawRequest(t.url, `POST /cdm HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectApiErrorShape(res.status, res.json, res.body);
  });

  it('delivers 413 to a client that writes its whole body before reading', async () => {
    const cdm = JSON.stringify({ ...sampleCdm({ cdm_id: 'BIG-1' }), padding: 'x'.repeat(6 * 1024 * 1024) });
    const request = `POST /cdm HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(cdm)}\r\n\r\n${cdm}`;
    const res = await rawRequest(t.url, request, { writeAllFirst: true });
    expect(res.status).toBe(413);
    expectApiErrorShape(res.status, res.json, res.body);
    expect(res.json?.error).toBe('payload_too_large');
    // Chunked, without a Content-Length: the limit is found while reading.
    const chunked = `POST /cdm HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(cdm).toString(16)}\r\n${cdm}\r\n0\r\n\r\n`;
    const res2 = await rawRequest(t.url, chunked, { writeAllFirst: true });
    expect(res2.status).toBe(413);
    expect(res2.json?.error).toBe('payload_too_large');
    expect((await http(t.url, 'GET', '/cdms/BIG-1', { token: READ_TOKEN })).status).toBe(404);
  });
});

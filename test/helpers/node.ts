import { Writable } from 'node:stream';
import { request } from 'undici';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { SpaceCommsNode } from '../../src/node.js';
import { createLogger } from '../../src/observability/logger.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const READ_TOKEN = 'test-read-token-0123456789';
export const WRITE_TOKEN = 'test-write-token-0123456789';

/** Collects the node's JSON log lines. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }

  withMsg(msg: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.msg === msg);
  }
}

export interface TestNode {
  node: SpaceCommsNode;
  url: string;
  logs: LogCapture;
  config: Config;
  stop(): Promise<void>;
}

/** A configuration as YAML text, parsed exactly as the node parses its file. */
export function configFrom(yamlText: string, env: Record<string, string> = {}): Config {
  const loaded = parseConfigText(yamlText, 'test.yaml', env);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.config;
}

export const AUTH_YAML = `
api:
  auth:
    enabled: true
    tokens:
      - { id: admin, secret: ${ADMIN_TOKEN}, permissions: [read, write, admin] }
      - { id: reader, secret: ${READ_TOKEN}, permissions: [read] }
      - { id: writer, secret: ${WRITE_TOKEN}, permissions: [write] }
`;

/**
 * Starts a node in this process; without a `storage:` section it keeps its table in memory.
 * With `configPath`, the node re-reads that file on reload (the test writes it).
 */
export async function startTestNode(yamlText = `node: { id: test-node }\nserver: { port: 0 }\n`, configPath?: string): Promise<TestNode> {
  const config = configFrom(/^storage:/m.test(yamlText) ? yamlText : `${yamlText}storage: { type: memory }\n`);
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', format: 'json', output: 'stdout', nodeId: config.node.id }, logs);
  const node = new SpaceCommsNode(config, { logger, ...(configPath ? { configPath } : {}) });
  const url = await node.start();
  return { node, url, logs, config, stop: () => node.stop() };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

export async function http(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; contentType?: string; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await request(`${url}${path}`, { method: method as 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (Prometheus text, CCSDS)
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

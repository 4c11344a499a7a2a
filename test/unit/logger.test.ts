import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the logger', () => {
  it('writes JSON lines with time, level, msg and node_id to a file, secrets redacted', () => {
    const path = join(dir, 'sub', 'node.log');
    const logger = createLogger({ level: 'info', format: 'json', output: path, nodeId: 'n1' });
    logger.info({ headers: { authorization: 'Bearer s3cret-value' }, peer: { auth_token: 'tok-value' }, secret: 'x-value' }, 'something happened');
    logger.debug('not at info');
    logger.flush();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', msg: 'something happened', node_id: 'n1' });
    expect(typeof line.time).toBe('string');
    for (const secret of ['s3cret-value', 'tok-value', 'x-value']) expect(lines[0]).not.toContain(secret);
  });

  it('writes for people with format pretty', () => {
    const path = join(dir, 'pretty.log');
    const logger = createLogger({ level: 'info', format: 'pretty', output: path, nodeId: 'n2' });
    logger.info({ peer: 'p1' }, 'peer session established');
    logger.flush();
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('peer session established');
    expect(text).toContain('INFO');
    expect(() => JSON.parse(text)).toThrow();
  });
});

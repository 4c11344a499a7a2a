import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'spacecomms-operator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the node as a process', () => {
  it('prints exactly one line, on stdout and stderr together, when it cannot start', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const path = join(dir, 'busy.yaml');
      writeFileSync(path, `node: { id: busy }\nserver: { port: ${port} }\nstorage: { type: file, file_path: ${JSON.stringify(join(dir, 'busy-data'))} }\n`);
      const result = runCli(['start', '--config', path]);
      expect(result.code).not.toBe(0);
      const lines = `${result.stdout}${result.stderr}`.trim().split('\n');
      expect(lines).toEqual([`spacecomms: cannot start: cannot listen on 127.0.0.1:${port}: address already in use`]);
    } finally {
      blocker.close();
    }
  });

  it('is found by pidof spacecomms', async () => {
    const path = join(dir, 'named.yaml');
    writeFileSync(path, 'node: { id: named }\nserver: { port: 0 }\nstorage: { type: memory }\n');
    const node = await startCli(['--config', path]);
    try {
      const pid = node.child.pid as number;
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('spacecomms');
      const found = execFileSync('pidof', ['spacecomms'], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
      expect(found).toContain(pid);
    } finally {
      await node.stop();
    }
  });
});

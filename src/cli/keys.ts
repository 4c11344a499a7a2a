import { Command } from 'commander';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import { KeyFileError, keyLocation, readKeyFile, writeNewKeyFile } from '../trust/key-file.js';
import type { SigningKey } from '../trust/keys.js';

/** What both commands print: the key id, the public key and the `trust.keys` entry other nodes add. Never the private key. */
function describeKey(nodeId: string, key: Pick<SigningKey, 'key_id' | 'public_key'>): string {
  return [`key_id: ${key.key_id}`, `public_key: ${key.public_key}`, `trust.keys entry: { node_id: ${nodeId}, public_key: "${key.public_key}" }`].join('\n');
}

/** `spacecomms keygen --out FILE [--node-id ID]`: a new Ed25519 private key (PEM, mode 0600); returns the exit code. */
export function runKeygen(out: string, nodeId: string | undefined, configFlag: string | undefined): number {
  let id = nodeId;
  if (id === undefined) {
    const loaded = loadConfig(resolveConfigPath(configFlag, process.env), process.env);
    if (!loaded.ok) {
      console.error(`spacecomms: give --node-id, or a valid --config to take node.id from: ${loaded.errors.join('; ')}`);
      return 1;
    }
    id = loaded.config.node.id;
  }
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) {
    console.error("spacecomms: --node-id must be 1-128 letters, digits, '-', '_' or '.'");
    return 1;
  }
  try {
    const key = writeNewKeyFile(id, out);
    console.log(`private key written: ${out} (mode 0600)\n${describeKey(id, key)}`);
    return 0;
  } catch (err) {
    console.error(`spacecomms: ${(err as Error).message}`);
    return 1;
  }
}

/** `spacecomms key show [--config FILE]`: the node's key id and public key; returns the exit code. */
export function runKeyShow(configFlag: string | undefined): number {
  const loaded = loadConfig(resolveConfigPath(configFlag, process.env), process.env);
  if (!loaded.ok) {
    for (const error of loaded.errors) console.error(error);
    return 1;
  }
  const config = loaded.config;
  const location = keyLocation(config);
  if (location.kind === 'ephemeral') {
    console.error('spacecomms: memory storage and no node.signing_key_path: the node makes a new key at every start (it logs its key_id); set node.signing_key_path to keep one');
    return 1;
  }
  try {
    const { key } = readKeyFile(config.node.id, location.path);
    console.log(`${describeKey(config.node.id, key)}\npath: ${location.path}`);
    return 0;
  } catch (err) {
    const hint = err instanceof KeyFileError && /no such file/.test(err.message) ? ' (the node creates it at its first start, or run spacecomms keygen --out with this path)' : '';
    console.error(`spacecomms: ${(err as Error).message}${hint}`);
    return 1;
  }
}

export function keygenCommand(): Command {
  return new Command('keygen')
    .description('write a new Ed25519 signing key (PEM, mode 0600) and print its key_id and public key')
    .requiredOption('-o, --out <file>', 'file to write the private key to (must not exist)')
    .option('--node-id <id>', 'the node that will sign with it (default: node.id of --config)')
    .option('-c, --config <file>', 'configuration file to take node.id from')
    .action((opts: { out: string; nodeId?: string; config?: string }) => {
      process.exitCode = runKeygen(opts.out, opts.nodeId, opts.config);
    });
}

export function keyCommand(): Command {
  const key = new Command('key').description("the node's signing key");
  key
    .command('show')
    .description("print the node's key_id and public key (never the private key)")
    .option('-c, --config <file>', 'configuration file (YAML)')
    .action((opts: { config?: string }) => {
      process.exitCode = runKeyShow(opts.config);
    });
  return key;
}

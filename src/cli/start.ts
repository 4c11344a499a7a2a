import { loadConfig, resolveConfigPath } from '../config/load.js';
import { configWarnings } from '../config/files.js';
import { SpaceCommsNode, StartupError } from '../node.js';

/** Writes the one line of a start-up failure and exits non-zero. */
function fail(message: string): never {
  console.error(`spacecomms: cannot start: ${message.replace(/\s*\n\s*/g, '; ')}`);
  process.exit(1);
}

export async function runStart(flag: string | undefined): Promise<void> {
  // `pidof spacecomms`, `ps` and `top` show the node by its name, not as `node`.
  process.title = 'spacecomms';
  const path = resolveConfigPath(flag, process.env);
  const loaded = loadConfig(path, process.env);
  if (!loaded.ok) fail(loaded.errors.join('; '));

  let node: SpaceCommsNode;
  try {
    node = new SpaceCommsNode(loaded.config, path !== undefined ? { configPath: path } : {});
  } catch (err) {
    fail(err instanceof StartupError ? err.message : (err as Error).message);
  }
  if (path === undefined) node.logger.warn('no configuration file given: running on built-in defaults');
  for (const warning of [...loaded.warnings, ...configWarnings(loaded.config)]) node.logger.warn({ warning }, 'configuration warning');

  installSignalHandlers(node);
  try {
    await node.start();
  } catch (err) {
    // The failure is the one line printed: the stop that cleans up stays silent.
    node.logger.level = 'silent';
    await node.stop().catch(() => undefined);
    fail(err instanceof StartupError ? err.message : (err as Error).message);
  }
}

/** Installed before listening, so that a signal that arrives during start-up still stops the node cleanly. */
function installSignalHandlers(node: SpaceCommsNode): void {
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      node.logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    node.logger.info({ signal }, 'shutting down');
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        node.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Reload: an invalid file is refused and logged by the node; the running configuration stays.
  process.on('SIGHUP', () => {
    node.logger.info({ signal: 'SIGHUP' }, 'reloading configuration');
    node.reload().catch((err: unknown) => node.logger.error({ err }, 'configuration reload failed; the running configuration stays'));
  });
}

#!/usr/bin/env node
import { Command } from 'commander';
import { cdmCommand, eventsCommand, healthCommand, peerCommand } from './cli/commands.js';
import { pcCommand } from './cli/pc.js';
import { watchCommand } from './cli/watch.js';
import { VERSION } from './version.js';

const program = new Command('spacecomms')
  .description('SpaceComms node: exchange conjunction data messages, object states and maneuver plans with peer operators')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('start')
  .description('run a node (configuration: --config, else $SPACECOMMS_CONFIG, else built-in defaults)')
  .option('-c, --config <file>', 'configuration file (YAML)')
  .action(async (opts: { config?: string }) => (await import('./cli/start.js')).runStart(opts.config));

program
  .command('validate-config')
  .description('check a configuration: YAML, schema, ${VARS}, TLS files; exit 0 valid, 1 invalid')
  .option('-c, --config <file>', 'configuration file (YAML)')
  .action(async (opts: { config?: string }) => {
    process.exitCode = (await import('./cli/validate.js')).runValidateConfig(opts.config);
  });

program
  .command('backup')
  .description('consistent copy of the file store, also while the node runs (SQLite online backup)')
  .option('-c, --config <file>', 'configuration file of the node (YAML)')
  .requiredOption('-o, --out <file>', 'file to write the backup to (must not exist)')
  .action(async (opts: { config?: string; out: string }) => {
    process.exitCode = await (await import('./cli/backup.js')).runBackup(opts.config, opts.out);
  });

program.addCommand(cdmCommand());
program.addCommand(peerCommand());
program.addCommand(healthCommand());
program.addCommand(pcCommand());
program.addCommand(eventsCommand());
program.addCommand(watchCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`spacecomms: ${message}`);
  process.exit(1);
});

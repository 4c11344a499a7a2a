#!/usr/bin/env node
import { Command } from 'commander';
import { cdmCommand, healthCommand, peerCommand } from './cli/commands.js';
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

program.addCommand(cdmCommand());
program.addCommand(peerCommand());
program.addCommand(healthCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`spacecomms: ${message}`);
  process.exit(1);
});

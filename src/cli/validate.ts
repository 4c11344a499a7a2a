import { configWarnings, draftTlsProblems, loadTlsMaterial, peerTlsProblems } from '../config/files.js';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import { trustProblems } from '../node-trust.js';

/** Prints every problem of a configuration with its key path; returns the exit code (0 valid, 1 invalid). */
export function runValidateConfig(flag: string | undefined): number {
  const path = resolveConfigPath(flag, process.env);
  const loaded = loadConfig(path, process.env);
  if (!loaded.ok) {
    // Every problem at once: the TLS files the draft names are checked too.
    const errors = [...loaded.errors, ...draftTlsProblems(loaded.draft, loaded.unsetFields ?? [])];
    for (const error of errors) console.error(error);
    console.error(`configuration invalid: ${errors.length} problem(s) in ${path ?? 'built-in defaults'}`);
    return 1;
  }
  const tls = loadTlsMaterial(loaded.config);
  const tlsErrors = [...(tls.ok ? [] : tls.errors), ...peerTlsProblems(loaded.config), ...trustProblems(loaded.config)];
  const warnings = [...loaded.warnings, ...configWarnings(loaded.config)];
  for (const warning of warnings) console.error(`warning: ${warning}`);
  if (tlsErrors.length > 0) {
    for (const error of tlsErrors) console.error(error);
    console.error(`configuration invalid: ${tlsErrors.length} problem(s) in ${loaded.source}`);
    return 1;
  }
  console.log(`configuration valid: ${loaded.source} (node ${loaded.config.node.id}, ${loaded.config.peers.length} peer(s))`);
  return 0;
}

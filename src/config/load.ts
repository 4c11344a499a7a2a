import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseDocument } from 'yaml';
import { compileReporting } from '../protocol/schema-errors.js';
import { PRECOMPILED_CONFIG_VALIDATOR } from './config-validator.js';
import { substituteEnv } from './env.js';
import { describeFsError } from './fs-errors.js';
import { ConfigSchema, type Config, type LogLevel, type RawConfig } from './schema.js';
import { resolveSecrets } from './secrets.js';
import { semanticProblems } from './semantics.js';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * A failed load may carry `draft`: the document after variable substitution and defaults,
 * not valid as a whole, with `unsetFields` naming keys whose variables are unset, so that
 * `validate-config` can still check the files it names.
 */
export type LoadResult =
  | { ok: true; config: Config; source: string; warnings: string[] }
  | { ok: false; errors: string[]; draft?: unknown; unsetFields?: string[] };

const validateSchema = compileReporting<RawConfig>(ConfigSchema, PRECOMPILED_CONFIG_VALIDATOR);

export { describeFsError };

/** Where the configuration comes from: `--config`, else `$SPACECOMMS_CONFIG`, else built-in defaults. */
export function resolveConfigPath(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  return flag ?? (env.SPACECOMMS_CONFIG || undefined);
}

export function loadConfig(path: string | undefined, env: Record<string, string | undefined> = process.env): LoadResult {
  if (path === undefined) return fromDocument(builtInDefaults(), 'built-in defaults', env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`cannot read configuration file ${path}: ${describeFsError(err)}`] };
  }
  return parseConfigText(text, path, env);
}

/**
 * How many alias expansions a configuration may make (the yaml library counts each alias
 * times the aliases inside what it names). A file with thousands of peers sharing one
 * anchored policy block stays far below; nested aliases that multiply ("billion laughs")
 * exceed it at once and the file is refused instead of exhausting memory.
 */
export const MAX_ALIAS_COUNT = 10_000;

/**
 * Parses configuration YAML (YAML 1.2, with `<<` merge keys) and checks it. Never throws:
 * syntax errors, alias bombs and schema problems all come back as `errors`, each naming
 * the line or key.
 */
export function parseConfigText(text: string, source: string, env: Record<string, string | undefined>): LoadResult {
  let raw: unknown;
  try {
    const parsed = toDocumentValue(text, source);
    if (!parsed.ok) return parsed;
    raw = parsed.value;
  } catch (err) {
    return { ok: false, errors: [`${source}: cannot read the configuration: ${(err as Error).message}`] };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, errors: [`${source}: the configuration must be a YAML mapping of sections (node, server, ...)`] };
  }
  return fromDocument(raw, source, env);
}

function toDocumentValue(text: string, source: string): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
        const reason = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return `${where}: invalid YAML: ${reason}`;
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {} };
  } catch (err) {
    if (/excessive alias count/i.test((err as Error).message)) {
      return { ok: false, errors: [`${source}: invalid YAML: aliases expand to more than ${MAX_ALIAS_COUNT} nodes (nested anchors that multiply are refused)`] };
    }
    return { ok: false, errors: [`${source}: invalid YAML: ${(err as Error).message}`] };
  }
}

function fromDocument(raw: unknown, source: string, env: Record<string, string | undefined>): LoadResult {
  const substituted = substituteEnv(raw, env);
  const errors = substituted.errors.map((e) => `${e.field}: environment variable ${e.variable} is not set`);
  const candidate = structuredClone(substituted.value);
  const checked = validateSchema(candidate);
  // A key whose variable is unset has already been reported; its empty stand-in is not a second problem.
  const unsetFields = new Set(substituted.errors.map((e) => e.field));
  if (!checked.ok) errors.push(...checked.issues.filter((i) => !unsetFields.has(i.field)).map((i) => `${i.field || '(root)'}: ${i.message}`));
  if (errors.length > 0 || !checked.ok) return { ok: false, errors, draft: candidate, unsetFields: [...unsetFields] };
  const resolved = resolveSecrets(checked.value);
  if (!resolved.config) return { ok: false, errors: resolved.errors, draft: checked.value, unsetFields: [] };
  const config = resolved.config;
  const problems = semanticProblems(config);
  if (problems.length > 0) return { ok: false, errors: problems, draft: config, unsetFields: [] };
  const levelOverride = env.SPACECOMMS_LOG_LEVEL;
  if (levelOverride) {
    if (!LOG_LEVELS.includes(levelOverride as LogLevel)) {
      return { ok: false, errors: [`SPACECOMMS_LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got "${levelOverride}")`] };
    }
    config.logging.level = levelOverride as LogLevel;
  }
  config.node.name ??= config.node.id;
  return { ok: true, config, source, warnings: resolved.warnings };
}

/** A node id for a start without configuration: the host name, reduced to the allowed characters. */
export function builtInDefaults(): object {
  const id = hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 128) || 'spacecomms-node';
  return { node: { id } };
}

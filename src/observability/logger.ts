import { createRequire } from 'node:module';
import { pino, type Logger, type DestinationStream } from 'pino';
import type prettyStream from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** `stdout`, or a file path (appended to, created with its directory if missing). */
  output: string;
  nodeId: string;
}

/** Keys whose values never reach a log line, wherever they appear in an event. */
export const REDACTED_PATHS = [
  'authorization',
  'req.headers.authorization',
  'headers.authorization',
  '*.authorization',
  'auth_token',
  '*.auth_token',
  '*.*.auth_token',
  'secret',
  '*.secret',
  '*.*.secret',
  'token',
  '*.token',
];

function destination(options: LoggerOptions): DestinationStream {
  const target = options.output === 'stdout' ? 1 : options.output;
  if (options.format === 'pretty') {
    // Loaded only for this format (a synchronous require: the logger is made synchronously), not at every start.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof prettyStream;
    return pretty({ destination: target, sync: true, mkdir: true, colorize: target === 1 && process.stdout.isTTY === true });
  }
  return pino.destination({ dest: target, sync: true, mkdir: true });
}

/** The node's logger; `stream` replaces the configured output (tests capture lines with it). */
export function createLogger(options: LoggerOptions, stream?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      base: { node_id: options.nodeId },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    stream ?? destination(options),
  );
}

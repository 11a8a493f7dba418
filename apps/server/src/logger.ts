import type { LogFields, Logger, LogLevel } from '@crewship/contracts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  level: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
  /** Applied to each serialized line before it is written (credential redaction). */
  scrub?: (line: string) => string;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** One JSON object per line: `{"time","level","msg",...fields}`. */
export function createJsonLogger(options: JsonLoggerOptions, bindings: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const threshold = ORDER[options.level];
  const log = (level: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[level] < threshold) return;
    const record: Record<string, unknown> = { time: now().toISOString(), level, msg: message, ...bindings };
    for (const [key, value] of Object.entries(fields ?? {})) record[key] = serialize(value);
    const line = JSON.stringify(record);
    write(`${options.scrub ? options.scrub(line) : line}\n`);
  };
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => createJsonLogger(options, { ...bindings, ...fields }),
  };
}

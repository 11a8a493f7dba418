import type { LogFields, Logger, LogLevel } from '@crewship/contracts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialize(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** One JSON object per line (`{"time","level","msg",...fields}`), written through `write`. */
export function createJsonLineLogger(
  options: { level: LogLevel; write: (line: string) => void },
  bindings: LogFields = {},
): Logger {
  const threshold = ORDER[options.level];
  const log = (level: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[level] < threshold) return;
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      msg: message,
      ...bindings,
    };
    for (const [key, value] of Object.entries(fields ?? {})) record[key] = serialize(value);
    options.write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (message, fields) => log('debug', message, fields),
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
    child: (fields) => createJsonLineLogger(options, { ...bindings, ...fields }),
  };
}

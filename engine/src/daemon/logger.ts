// Structured logs for berthd: one line per record, either logfmt-like text for a terminal
// (`time=… level=info msg="container started" id=3f2a…`) or JSON lines for collectors.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (e.g. the container id). */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  format: 'text' | 'json';
  write: (line: string) => void;
}

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const log = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (rank[level] < rank[options.level]) return;
    const record = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    options.write(options.format === 'json' ? JSON.stringify(record) + '\n' : formatText(record) + '\n');
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    with: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything (unit tests, library use). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  with: () => silentLogger,
};

function formatText(record: LogFields): string {
  return Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
}

function quote(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[\w./:@+-]+$/.test(s) ? s : JSON.stringify(s);
}

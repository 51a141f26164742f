import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; the level comes from WADM_LOG_LEVEL. */
export function createLogger(
  name: string,
  level = process.env['WADM_LOG_LEVEL'] ?? 'info',
): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}

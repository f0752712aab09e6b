import { z } from 'zod';
import type { Logger } from './logger.js';

const LOGGER_METHODS = ['debug', 'info', 'warn', 'error'] as const;

/** A `logger` option: any object with `debug`, `info`, `warn` and `error` methods (console, pino...). */
export const loggerSchema = z.custom<Logger>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    LOGGER_METHODS.every((method) => typeof (v as Logger)[method] === 'function'),
  { message: 'must have debug, info, warn and error methods' },
);

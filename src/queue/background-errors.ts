import type { Logger } from '../client/logger.js';
import { WhatsAppError } from '../errors/index.js';
import { redact } from '../errors/redact.js';

/** Receives an error that happened away from any caller (a store write, a suppression write, a worker). */
export type BackgroundErrorHandler = (error: unknown) => void;

/** The logger used when neither the queue nor its client has one: `console`, errors only. */
const CONSOLE_LOGGER: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, data) => console.warn(message, data),
  error: (message, data) => console.error(message, data),
};

/** The logger background errors go to: the queue's, else its client's, else `console`. */
export function backgroundLogger(own: Logger | undefined, client: unknown): Logger {
  if (own) return own;
  const clientLogger = (client as { logger?: unknown } | undefined)?.logger;
  if (isLogger(clientLogger)) return clientLogger;
  return CONSOLE_LOGGER;
}

/**
 * The one policy for background errors: hand them to `onError` when given, else log them through
 * `logger.error` (redacted, no stack). A throwing `onError` is itself logged, never rethrown, so a
 * bad handler cannot crash a timer callback or an unrelated send.
 */
export function backgroundErrorReporter(
  onError: BackgroundErrorHandler | undefined,
  logger: Logger,
): BackgroundErrorHandler {
  return (error) => {
    if (!onError) {
      log(logger, 'wacloud: background error', error);
      return;
    }
    try {
      onError(error);
    } catch (thrown) {
      log(logger, 'wacloud: onError threw', thrown);
      log(logger, 'wacloud: background error', error);
    }
  };
}

function log(logger: Logger, message: string, error: unknown): void {
  try {
    logger.error(message, { error: describe(error) });
  } catch {
    // A logger that throws has nowhere left to report to.
  }
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof WhatsAppError) return error.toJSON();
  if (error instanceof Error) return { name: error.name, message: redact(error.message) };
  return { message: redact(String(error)) };
}

function isLogger(value: unknown): value is Logger {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Logger).error === 'function' &&
    typeof (value as Logger).warn === 'function'
  );
}

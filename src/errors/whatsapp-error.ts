import { redact } from './redact.js';

/**
 * Base class of every error thrown by wacloud. Catch this to catch them all; branch on the subclasses.
 * Messages are redacted: no access token or app secret ever appears in `message`, `stack` or `toJSON()`.
 */
export class WhatsAppError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.name = new.target.name;
  }

  /** A JSON-safe, redacted view of the error (no stack, no request headers). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message };
  }
}

/**
 * A constructor option or environment variable is missing, unknown or invalid, or the SDK was used in
 * a way it does not support (a programming mistake, not a Graph or network failure). `option` names
 * the offending option when there is one; its value never appears in the message.
 */
export class ConfigError extends WhatsAppError {
  /** Dotted name of the offending option, e.g. `retry.baseDelayMs`, when the error is about one. */
  readonly option: string | undefined;

  constructor(message: string, options?: { option?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.option = options?.option;
  }

  override toJSON(): Record<string, unknown> {
    return this.option === undefined ? super.toJSON() : { ...super.toJSON(), option: this.option };
  }
}

/** One problem found while validating an outgoing object. */
export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `interactive.action.buttons.3.reply.title`. */
  path: string;
  /** What is wrong, including the documented limit where there is one. */
  message: string;
  /** zod issue code or a wacloud-specific code. */
  code?: string;
}

/**
 * An outgoing message (or another request body) broke a documented Cloud API rule.
 * Thrown before any request is made; `field` names the first offending path.
 */
export class ValidationError extends WhatsAppError {
  /** Every problem found, in order. */
  readonly issues: readonly ValidationIssue[];
  /** Path of the first problem (same as `issues[0].path`). */
  readonly field: string;

  constructor(issues: readonly ValidationIssue[], subject = 'message') {
    const first = issues[0] ?? { path: '', message: 'invalid' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`Invalid ${subject}: ${first.path || '(root)'}: ${first.message}${more}`);
    this.issues = issues;
    this.field = first.path;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field, issues: this.issues };
  }
}

/**
 * The request failed below HTTP: DNS, connection refused or reset, TLS, or an aborted socket.
 * `requestMayHaveReachedServer` tells whether the body may already have been written, in which case a
 * non-idempotent request (a message send) must not be blindly repeated.
 */
export class NetworkError extends WhatsAppError {
  /** True when the request body may have reached Meta before the failure (a retry could double-send). */
  readonly requestMayHaveReachedServer: boolean;

  constructor(message: string, options: { cause?: unknown; requestMayHaveReachedServer: boolean }) {
    super(message, { cause: options.cause });
    this.requestMayHaveReachedServer = options.requestMayHaveReachedServer;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), requestMayHaveReachedServer: this.requestMayHaveReachedServer };
  }
}

/** The request did not complete within wacloud's own deadline (`timeoutMs`, or undici's connect/headers/body timeouts). */
export class TimeoutError extends NetworkError {}

/**
 * The caller's own `AbortSignal` aborted the request, or a wait before it (a retry delay, the read
 * budget). Distinct from {@link TimeoutError}: wacloud did not give up, the caller did. `cause` is the
 * signal's `reason`; `requestMayHaveReachedServer` says whether a request was already being written.
 */
export class AbortError extends NetworkError {}

/** A webhook body is not a WhatsApp Business Account envelope (`object` + `entry[]`), or is not JSON. */
export class WebhookPayloadError extends WhatsAppError {}

/** A webhook request failed signature verification; the message says which check failed and why. */
export class WebhookSignatureError extends WhatsAppError {}

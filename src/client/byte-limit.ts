import { DecoratorHandler, type Dispatcher } from 'undici';
import { ResponseTooLargeError } from '../errors/index.js';

/**
 * An undici interceptor that aborts a response whose body passes `maxBytes`: at once when its
 * `Content-Length` says so, else as soon as the bytes read pass it. The request fails (or its body
 * stream errors) with {@link ResponseTooLargeError}; nothing past the limit is buffered.
 */
export function limitResponseBytes(maxBytes: number): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) =>
    dispatch(
      options,
      new ByteLimitHandler(handler, maxBytes, `${options.method} ${options.origin ?? ''}${options.path}`),
    );
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * undici's DecoratorHandler adapts the handler it wraps (legacy or new API) and forwards the new
 * callbacks to it; its type declarations still list only the legacy ones.
 */
const ForwardingHandler = DecoratorHandler as unknown as new (
  handler: Dispatcher.DispatchHandler,
) => {
  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: Headers,
    message?: string,
  ): void;
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void;
  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void;
};

class ByteLimitHandler extends ForwardingHandler {
  #maxBytes: number;
  #what: string;
  #received = 0;
  #status = 0;
  #aborted = false;

  constructor(handler: Dispatcher.DispatchHandler, maxBytes: number, what: string) {
    super(handler);
    this.#maxBytes = maxBytes;
    this.#what = what;
  }

  override onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    this.#status = statusCode;
    if (Number(headers['content-length']) > this.#maxBytes) {
      this.#abort(controller);
      return;
    }
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  override onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#aborted) return;
    this.#received += chunk.length;
    if (this.#received > this.#maxBytes) {
      this.#abort(controller);
      return;
    }
    super.onResponseData(controller, chunk);
  }

  override onResponseEnd(controller: Dispatcher.DispatchController, trailers: Headers): void {
    if (this.#aborted) return;
    super.onResponseEnd(controller, trailers);
  }

  #abort(controller: Dispatcher.DispatchController): void {
    this.#aborted = true;
    const [method = 'GET', ...rest] = this.#what.split(' ');
    controller.abort(
      new ResponseTooLargeError({
        status: this.#status,
        limitBytes: this.#maxBytes,
        request: { method, path: rest.join(' ').split('?')[0] ?? '' },
      }),
    );
  }
}

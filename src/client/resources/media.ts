import { Blob } from 'node:buffer';
import { FormData, Response } from 'undici';
import { GraphApiError, ValidationError } from '../../errors/index.js';
import type { CallOptions, StreamedResponse, Transport } from '../transport.js';
import { mediaLimitFor } from './media-limits.js';
import { missingOption } from './missing-option.js';

/** File contents accepted by `media.upload`. Streams are read into memory (at most the size limit). */
export type MediaUploadInput = Blob | Uint8Array | ArrayBuffer | AsyncIterable<Uint8Array>;

/** Options of `media.upload`. */
export interface MediaUploadOptions extends CallOptions {
  /** MIME type of the file, e.g. `image/jpeg`; must be one Meta accepts (see notes §1.6). */
  mimeType: string;
  /** File name sent in the multipart part (default `file`). */
  filename?: string;
}

/** Options of `media.get`, `media.delete` and `media.download`. */
export interface MediaCallOptions extends CallOptions {
  /** Send `?phone_number_id=` so Meta checks the media belongs to the client's number. */
  checkPhoneNumber?: boolean;
}

/** `GET /{media-id}`: where to download a media object (the URL expires in 5 minutes). */
export interface MediaInfo {
  /** Always `whatsapp`. */
  messaging_product?: string;
  /** Download URL; needs the Bearer token. */
  url: string;
  /** MIME type of the file. */
  mime_type: string;
  /** SHA-256 of the file. */
  sha256: string;
  /** Size in bytes (Meta sends it as a string or a number). */
  file_size: string | number;
  /** The media id. */
  id: string;
}

/** A media download in progress. */
export interface MediaDownload {
  /** The file contents; consume it (`for await`, `pipe`, `arrayBuffer()`) or `destroy()` it. */
  body: StreamedResponse['body'];
  /** `Content-Type` of the response (or the media's `mime_type`). */
  mimeType: string | undefined;
  /** `Content-Length`, when the server sent one. */
  contentLength: number | undefined;
  /** The media's metadata, when `download` was given an id. */
  info: MediaInfo | undefined;
}

const URL_PATTERN = /^https?:\/\//i;

/** `wa.media`: upload, look up, download and delete media. */
export class MediaResource {
  #transport: Transport;
  #phoneNumberId: string | undefined;

  /** @internal */
  constructor(transport: Transport, phoneNumberId: string | undefined) {
    this.#transport = transport;
    this.#phoneNumberId = phoneNumberId;
  }

  /**
   * Uploads a file as multipart (`messaging_product=whatsapp`, `file`, `type`) to
   * `POST /{phone-number-id}/media` and resolves the media id (valid 30 days). The MIME type and the
   * documented size limit are checked first (`ValidationError`). Not retried once sent.
   */
  async upload(file: MediaUploadInput, options: MediaUploadOptions): Promise<{ id: string }> {
    const phoneNumberId = this.#requirePhoneNumberId();
    const mimeType = options?.mimeType;
    const limit = typeof mimeType === 'string' ? mediaLimitFor(mimeType) : undefined;
    if (!limit) {
      throw new ValidationError(
        [{ path: 'mimeType', message: 'is not a MIME type the Cloud API accepts', code: 'unsupported_mime' }],
        'media upload',
      );
    }
    const blob = await toBlob(file, mimeType, limit.maxBytes);
    if (blob.size === 0) {
      throw new ValidationError([{ path: 'file', message: 'is empty', code: 'too_small' }], 'media upload');
    }
    if (blob.size > limit.maxBytes) throw tooLarge(limit.kind, limit.maxBytes);

    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', blob, options.filename ?? 'file');
    form.append('type', mimeType);
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
    const body = Buffer.from(await encoded.arrayBuffer());
    return this.#transport.json<{ id: string }>({
      method: 'POST',
      path: this.#transport.apiPath(phoneNumberId, 'media'),
      body,
      contentType,
      idempotent: false,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  /** `GET /{media-id}`: the download URL (valid 5 minutes), MIME type, SHA-256 and size. */
  async get(mediaId: string, options: MediaCallOptions = {}): Promise<MediaInfo> {
    return this.#transport.json<MediaInfo>({
      method: 'GET',
      path: this.#mediaPath(mediaId, options),
      idempotent: true,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  /**
   * Streams a media file with the Bearer header. Given an id, looks the URL up first and, if the
   * URL has gone stale (404), looks it up once more. Given a URL (`https://…`), downloads it as is.
   */
  async download(idOrUrl: string, options: MediaCallOptions = {}): Promise<MediaDownload> {
    if (URL_PATTERN.test(idOrUrl)) return this.#fetch(idOrUrl, undefined, options);
    const info = await this.get(idOrUrl, options);
    try {
      return await this.#fetch(info.url, info, options);
    } catch (error) {
      if (!(error instanceof GraphApiError) || error.status !== 404) throw error;
      const fresh = await this.get(idOrUrl, options);
      return this.#fetch(fresh.url, fresh, options);
    }
  }

  /** `DELETE /{media-id}`. */
  async delete(mediaId: string, options: MediaCallOptions = {}): Promise<{ success: boolean }> {
    return this.#transport.json<{ success: boolean }>({
      method: 'DELETE',
      path: this.#mediaPath(mediaId, options),
      idempotent: true,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
  }

  async #fetch(url: string, info: MediaInfo | undefined, options: CallOptions): Promise<MediaDownload> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ValidationError([{ path: 'url', message: 'is not a URL' }], 'media URL');
    }
    const response = await this.#transport.stream(parsed, options);
    const type = response.headers['content-type'];
    const length = response.headers['content-length'];
    const contentLength = typeof length === 'string' ? Number(length) : undefined;
    return {
      body: response.body,
      mimeType: (Array.isArray(type) ? type[0] : type) ?? info?.mime_type,
      contentLength: Number.isFinite(contentLength) ? contentLength : undefined,
      info,
    };
  }

  #mediaPath(mediaId: string, options: MediaCallOptions): string {
    if (typeof mediaId !== 'string' || mediaId.length === 0) {
      throw new ValidationError([{ path: 'mediaId', message: 'must be a non-empty string' }], 'media id');
    }
    const path = this.#transport.apiPath(mediaId);
    if (!options.checkPhoneNumber) return path;
    return `${path}?phone_number_id=${encodeURIComponent(this.#requirePhoneNumberId())}`;
  }

  #requirePhoneNumberId(): string {
    if (this.#phoneNumberId === undefined) throw missingOption('phoneNumberId', 'media');
    return this.#phoneNumberId;
  }
}

function tooLarge(kind: string, maxBytes: number): ValidationError {
  return new ValidationError(
    [{ path: 'file', message: `is larger than the ${kind} limit of ${maxBytes} bytes`, code: 'too_big' }],
    'media upload',
  );
}

async function toBlob(file: MediaUploadInput, mimeType: string, maxBytes: number): Promise<Blob> {
  if (file instanceof Blob) return file;
  if (file instanceof Uint8Array || file instanceof ArrayBuffer) return new Blob([file], { type: mimeType });
  if (file && typeof (file as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of file as AsyncIterable<Uint8Array | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.byteLength;
      // Stop reading as soon as the limit is passed: no need to buffer a huge stream.
      if (size > maxBytes) {
        const kind = mediaLimitFor(mimeType)?.kind ?? 'media';
        throw tooLarge(kind, maxBytes);
      }
      parts.push(bytes);
    }
    return new Blob(parts, { type: mimeType });
  }
  // A Blob from another realm (e.g. the global Blob of a different copy of undici).
  if (file && typeof (file as { arrayBuffer?: unknown }).arrayBuffer === 'function') {
    return new Blob([await (file as unknown as { arrayBuffer(): Promise<ArrayBuffer> }).arrayBuffer()], {
      type: mimeType,
    });
  }
  throw new ValidationError(
    [{ path: 'file', message: 'must be a Blob, Uint8Array, ArrayBuffer or a stream of bytes' }],
    'media upload',
  );
}

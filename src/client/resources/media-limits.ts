/** Media kinds the Cloud API accepts for upload. */
export type MediaKind = 'audio' | 'document' | 'image' | 'sticker' | 'video';

/** The kind and size limit of an accepted MIME type. */
export interface MediaLimit {
  /** Which kind of media the MIME type is. */
  kind: MediaKind;
  /** Largest accepted file, in bytes. */
  maxBytes: number;
}

const MB = 1024 * 1024;
const KB = 1024;

const KIND_LIMIT: Record<MediaKind, number> = {
  audio: 16 * MB,
  document: 100 * MB,
  image: 5 * MB,
  // 100 KB for a static sticker, 500 KB animated: the bytes alone do not tell which, so the larger bound.
  sticker: 500 * KB,
  video: 16 * MB,
};

const KIND_BY_MIME: Record<string, MediaKind> = {
  'audio/aac': 'audio',
  'audio/amr': 'audio',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/ogg': 'audio',
  'text/plain': 'document',
  'application/pdf': 'document',
  'application/vnd.ms-excel': 'document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'document',
  'application/msword': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.ms-powerpoint': 'document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'document',
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'sticker',
  'video/mp4': 'video',
  'video/3gpp': 'video',
};

/**
 * The documented kind and size limit of a MIME type (parameters such as `; codecs=opus` ignored),
 * or `undefined` when the Cloud API does not accept it.
 */
export function mediaLimitFor(mimeType: string): MediaLimit | undefined {
  const base = mimeType.split(';')[0]!.trim().toLowerCase();
  const kind = KIND_BY_MIME[base];
  return kind === undefined ? undefined : { kind, maxBytes: KIND_LIMIT[kind] };
}

/** Every MIME type accepted for upload. */
export const SUPPORTED_MEDIA_TYPES: readonly string[] = Object.keys(KIND_BY_MIME);

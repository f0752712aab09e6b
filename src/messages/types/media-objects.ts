/** A media object sent by uploaded media id. */
export interface MediaById {
  /** Id returned by a media upload (valid 30 days). */
  id: string;
  /** Must be absent when `id` is given. */
  link?: never;
}

/** A media object sent by public HTTP(S) URL (Meta caches each URL for 10 minutes). */
export interface MediaByLink {
  /** HTTP(S) URL Meta downloads the media from. */
  link: string;
  /** Must be absent when `link` is given. */
  id?: never;
}

/** Exactly one of `id` or `link`. */
export type MediaSource = MediaById | MediaByLink;

/** The `image` object: jpeg/png, ≤5 MB, optional caption. */
export type ImageObject = MediaSource & {
  /** Up to 1024 characters. */
  caption?: string;
};

/** The `video` object: mp4/3gpp, ≤16 MB, optional caption. */
export type VideoObject = MediaSource & {
  /** Up to 1024 characters. */
  caption?: string;
};

/** The `audio` object: aac/amr/mpeg/mp4/ogg, ≤16 MB. */
export type AudioObject = MediaSource & {
  /** `true` sends an .ogg/OPUS file as a voice note. */
  voice?: boolean;
};

/** The `document` object: ≤100 MB, optional caption and file name. */
export type DocumentObject = MediaSource & {
  /** Up to 1024 characters. */
  caption?: string;
  /** File name shown to the recipient, with extension. */
  filename?: string;
};

/** The `sticker` object: webp, no caption. */
export type StickerObject = MediaSource;

import { createHash } from 'node:crypto';

/** One uploaded media object. */
export interface StoredMedia {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
}

/** Media uploaded to the simulator, by id. */
export class MediaStore {
  readonly #byId = new Map<string, StoredMedia>();

  /** Stores bytes under a new id. */
  add(id: string, phoneNumberId: string, mimeType: string, bytes: Buffer): StoredMedia {
    const media = {
      id,
      phoneNumberId,
      mimeType,
      bytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    this.#byId.set(id, media);
    return media;
  }

  /** The media with this id. */
  get(id: string): StoredMedia | undefined {
    return this.#byId.get(id);
  }

  /** Deletes a media object; false when there was none. */
  delete(id: string): boolean {
    return this.#byId.delete(id);
  }
}

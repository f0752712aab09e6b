/** The wacloud package version, sent in the `User-Agent` header (`wacloud/<version>`). */
export const SDK_VERSION = '0.1.0';

import { createHmac } from 'node:crypto';
import { escapeUnicode } from '../../webhooks/signature.js';

/**
 * Serializes a webhook body the way Meta does: JSON with every character above 0x7E written as a
 * lowercase `\uXXXX` escape (UTF-16 code units, so emoji become surrogate pairs). The signature is
 * computed over exactly these bytes.
 */
export function toMetaJson(value: unknown): string {
  return escapeUnicode(JSON.stringify(value));
}

/** Legacy `X-Hub-Signature` value (SHA-1), which Meta still sends alongside. */
export function legacySignatureHeader(body: string, appSecret: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`;
}

import { request } from 'undici';
import type { CheckedTemplateSend } from './templates/check-send.js';

const URL_IN_TEXT = /https?:\/\/[^\s"'<>]+/g;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `clickUrlPattern` as a stateless RegExp (a string matches as a literal substring). */
export function toClickPattern(pattern: RegExp | string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  if (typeof pattern === 'string') return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

/**
 * The URLs in a message a simulated user could click: in a text body, anywhere in an interactive
 * payload, in template text parameters and URL buttons (suffix filled in), filtered by `pattern`.
 */
export function clickableUrls(
  pattern: RegExp | undefined,
  type: string,
  payload: Record<string, unknown>,
  template: CheckedTemplateSend | undefined,
): string[] {
  if (!pattern) return [];
  const texts: string[] = [];
  if (type === 'text') texts.push(String(payload.body ?? ''));
  if (type === 'interactive') texts.push(JSON.stringify(payload));
  if (template) texts.push(...template.texts, ...template.urls);
  const urls = texts.flatMap((t) => [...t.matchAll(URL_IN_TEXT)].map((m) => m[0]));
  return [...new Set(urls.filter((u) => pattern.test(u)))];
}

/** GETs a link as a user's browser would, on loopback only (never the internet); true when it answered. */
export async function openLoopbackLink(url: string): Promise<boolean> {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  if (!LOOPBACK_HOSTS.has(host)) return false;
  try {
    const response = await request(url, { method: 'GET' });
    await response.body.dump();
    return true;
  } catch {
    // A click the tracker could not serve is lost, as a real user's would be.
    return false;
  }
}

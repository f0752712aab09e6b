import { SimulatedGraphError } from '../graph-error.js';
import {
  expectedBodyParams,
  expectedHeaderParams,
  placeholders,
  type SimulatorTemplate,
  templateButtons,
} from './simulator-template.js';
import type { TemplateStore } from './store.js';

/** A quick-reply button a simulated user can tap: what arrives in the inbound `button` message. */
export interface QuickReply {
  text: string;
  payload: string;
}

/** What a valid template send resolves to. */
export interface CheckedTemplateSend {
  template: SimulatorTemplate;
  quickReplies: QuickReply[];
  /** URL buttons with their dynamic suffix filled in. */
  urls: string[];
  /** Text parameters given (header and body), for link detection. */
  texts: string[];
}

interface SendComponent {
  type?: unknown;
  sub_type?: unknown;
  index?: unknown;
  parameters?: unknown;
}

function lower(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function paramsOf(component: SendComponent | undefined): Record<string, unknown>[] {
  return Array.isArray(component?.parameters) ? (component.parameters as Record<string, unknown>[]) : [];
}

function countMismatch(part: string, given: number, expected: number): SimulatedGraphError {
  return new SimulatedGraphError(132000, {
    details: `${part}: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
  });
}

/**
 * Checks a `template` send against the store as Meta does: unknown name or language (or not
 * approved) → 132001, paused → 132015, disabled → 132016, parameter count per component → 132000,
 * a dynamic URL button without its parameter → 131008.
 */
export function checkTemplateSend(
  store: TemplateStore,
  payload: Record<string, unknown>,
): CheckedTemplateSend {
  const name = String(payload.name);
  const language = (payload.language as { code?: unknown } | undefined)?.code;
  const template = store.find(name, String(language));
  if (!template || ['PENDING', 'REJECTED', 'DELETED', 'PENDING_DELETION'].includes(template.status)) {
    throw new SimulatedGraphError(132001, {
      details: `template name (${name}) does not exist in ${String(language)}`,
    });
  }
  if (template.status === 'PAUSED') {
    throw new SimulatedGraphError(132015, { details: `Template ${name} is paused due to low quality.` });
  }
  if (template.status === 'DISABLED') {
    throw new SimulatedGraphError(132016, { details: `Template ${name} is disabled.` });
  }
  const components: SendComponent[] = Array.isArray(payload.components)
    ? (payload.components as SendComponent[])
    : [];
  const header = components.find((c) => lower(c.type) === 'header');
  const body = components.find((c) => lower(c.type) === 'body');
  const headerGiven = paramsOf(header).length;
  const headerExpected = expectedHeaderParams(template);
  if (headerGiven !== headerExpected) throw countMismatch('header', headerGiven, headerExpected);
  const bodyGiven = paramsOf(body).length;
  const bodyExpected = expectedBodyParams(template);
  if (bodyGiven !== bodyExpected) throw countMismatch('body', bodyGiven, bodyExpected);

  const buttonAt = (index: number) =>
    components.find((c) => lower(c.type) === 'button' && Number(c.index) === index);
  const quickReplies: QuickReply[] = [];
  const urls: string[] = [];
  templateButtons(template).forEach((button, index) => {
    const given = buttonAt(index);
    const type = button.type.toUpperCase();
    if (type === 'QUICK_REPLY') {
      const payloadParam = paramsOf(given).find((p) => typeof p.payload === 'string');
      const text = button.text ?? '';
      quickReplies.push({ text, payload: (payloadParam?.payload as string | undefined) ?? text });
    } else if (type === 'URL' && button.url) {
      if (placeholders(button.url).length === 0) {
        urls.push(button.url);
        return;
      }
      const params = paramsOf(given);
      if (params.length === 0) {
        throw new SimulatedGraphError(131008, {
          details: `buttons: Button at index ${index} of type Url requires a parameter`,
        });
      }
      if (params.length !== 1) throw countMismatch(`button at index ${index}`, params.length, 1);
      urls.push(button.url.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/, String(params[0]?.text ?? '')));
    }
  });
  const texts = [...paramsOf(header), ...paramsOf(body)]
    .map((p) => p.text)
    .filter((t): t is string => typeof t === 'string');
  return { template, quickReplies, urls, texts };
}

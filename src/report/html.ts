const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** A piece of markup that is already safe: interpolating it into {@link html} does not escape it again. */
export class SafeHtml {
  /** The markup. */
  readonly value: string;

  constructor(value: string) {
    this.value = value;
  }

  /** The markup, so a SafeHtml can be concatenated like a string. */
  toString(): string {
    return this.value;
  }
}

/** A value {@link html} accepts: text (escaped), numbers, safe markup, nothing, or lists of these. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template that escapes every interpolated value unless it is {@link SafeHtml}, so user
 * strings (campaign ids, variant names, error titles) can never inject markup.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

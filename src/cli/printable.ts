/**
 * Control characters a terminal would act on: C0 (except what `multiline` keeps), DEL, C1, and the
 * Unicode bidirectional overrides that reorder what is shown ("Trojan Source").
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_EXCEPT_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text safe to write to a terminal: every control character shows as a visible escape (`ESC` →
 * `\x1b`), so a template name, CSV value or API error cannot move the cursor, recolour or clear the
 * screen, or fake output. With `multiline`, line feeds and tabs are kept (for whole messages); without
 * it they are escaped too (for one table cell or value).
 */
export function printable(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? CONTROL_EXCEPT_LINES : CONTROL, visible);
}

/**
 * `JSON.stringify` for output read in a terminal: JSON already escapes C0 controls; this also escapes
 * DEL, C1 and the bidirectional overrides (as `\u00xx`), which JSON allows raw. Still valid JSON.
 */
export function printableJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

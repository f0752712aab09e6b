/** A template component in Meta's shape (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`, ...). */
export interface TemplateComponent {
  /** `HEADER`, `BODY`, `FOOTER`, `BUTTONS`… (any case). */
  type: string;
  /** Header format: `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT`, `LOCATION`. */
  format?: string;
  /** Text with `{{1}}` or `{{name}}` placeholders. */
  text?: string;
  /** Buttons of a `BUTTONS` component, in index order. */
  buttons?: TemplateButton[];
  /** Sample values, as Meta requires at creation. */
  example?: unknown;
  /** Any other field Meta defines. */
  [key: string]: unknown;
}

/** A button of a `BUTTONS` component in Meta's shape. */
export interface TemplateButton {
  /** `QUICK_REPLY`, `URL`, `PHONE_NUMBER`, `COPY_CODE`, `CATALOG`, `FLOW`… */
  type: string;
  /** Label shown to the user (and the quick-reply payload when the send gives none). */
  text?: string;
  /** URL of a URL button; a `{{1}}` suffix is filled from the send's button parameter. */
  url?: string;
  /** Number of a phone button. */
  phone_number?: string;
  /** Sample values. */
  example?: unknown;
  /** Any other field Meta defines. */
  [key: string]: unknown;
}

/** A message template as the Graph API returns it from `/{waba-id}/message_templates`. */
export interface SimulatorTemplate {
  /** Numeric template id. */
  id: string;
  /** Template name (`^[a-z0-9_]+$`). */
  name: string;
  /** Language code, e.g. `en_US`. */
  language: string;
  /** `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`… */
  status: string;
  /** `MARKETING`, `UTILITY` or `AUTHENTICATION`. */
  category: string;
  /** Whether placeholders are numbered or named. */
  parameter_format?: 'POSITIONAL' | 'NAMED';
  /** Header, body, footer and buttons. */
  components: TemplateComponent[];
  /** Any other field Meta defines. */
  [key: string]: unknown;
}

/** A template to add to the simulator's store; `id`, `status` and `category` get defaults. */
export interface TemplateInput {
  /** Template name (`^[a-z0-9_]+$`). */
  name: string;
  /** Language code, e.g. `en_US`. */
  language: string;
  /** Default `UTILITY`. */
  category?: string;
  /** Default `APPROVED`. */
  status?: string;
  /** Default: a new numeric id. */
  id?: string;
  /** Whether placeholders are numbered or named. */
  parameter_format?: 'POSITIONAL' | 'NAMED';
  /** Header, body, footer and buttons (default none). */
  components?: TemplateComponent[];
  /** Any other field Meta defines. */
  [key: string]: unknown;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct placeholders (`{{1}}`, `{{first_name}}`) in a template text, in order of appearance. */
export function placeholders(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/** The component of a template with this type (case-insensitive). */
export function findComponent(template: SimulatorTemplate, type: string): TemplateComponent | undefined {
  return template.components.find((c) => c.type.toUpperCase() === type.toUpperCase());
}

/** The buttons of a template, in index order. */
export function templateButtons(template: SimulatorTemplate): TemplateButton[] {
  return findComponent(template, 'BUTTONS')?.buttons ?? [];
}

const MEDIA_HEADER_FORMATS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION', 'PRODUCT']);

/** How many parameters a send must give for the header (text placeholders, or 1 for a media header). */
export function expectedHeaderParams(template: SimulatorTemplate): number {
  const header = findComponent(template, 'HEADER');
  if (!header) return 0;
  if (MEDIA_HEADER_FORMATS.has((header.format ?? '').toUpperCase())) return 1;
  return placeholders(header.text).length;
}

/** How many parameters a send must give for the body. */
export function expectedBodyParams(template: SimulatorTemplate): number {
  return placeholders(findComponent(template, 'BODY')?.text).length;
}

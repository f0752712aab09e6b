import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WhatsAppClient } from '../../client/index.js';
import { ValidationError, type WhatsAppError } from '../../errors/index.js';
import { redact } from '../../errors/redact.js';
import { normalizeRecipientId } from '../../events/recipient-id.js';
import { template, templateComponents, templateParams } from '../../messages/builders/template-builders.js';
import type { TemplateMessageComponent } from '../../messages/index.js';
import { validateOutgoingMessage } from '../../messages/index.js';
import { type MessageCategory, TEMPLATE_CATEGORIES } from '../../queue/governance/message-category.js';
import { type OutgoingMessageLike, SendQueue } from '../../queue/index.js';
import { preflightTemplate } from '../../queue/preflight.js';
import { type CliIo, ExitCode, type ExitCodeValue, UsageError } from '../cli-io.js';
import { countLines } from '../count-lines.js';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, clientOptionsFrom } from '../credentials.js';
import { type OpenedStore, openStore, STORE_HELP } from '../open-store.js';
import { printable, printableJson } from '../printable.js';
import { ProgressBar } from '../progress-bar.js';
import { type BadRow, type RecipientRow, readRecipientsCsv } from '../recipients-csv.js';
import { describeSkip, skipBreakdown } from '../skip-reason-text.js';

/** Help of `wacloud send`. */
export const SEND_HELP = `Usage: wacloud send --template NAME --to recipients.csv [options]

Sends an approved template to every row of a CSV (header row first), at a steady rate.
Rows with a bad phone number or missing values are reported with their line number; the rest
are still sent. With a persistent --store, a rerun skips recipients already sent.

  --template <name>         template name (required unless --variant is given)
  --variant <name>=<tpl>    A/B test: split recipients (stable per recipient) between templates;
                            repeat, e.g. --variant A=spring_a --variant B=spring_b
  --lang <code>             template language (default en_US)
  --to <file.csv>           recipients CSV (required)
  --phone-column <name>     column with the phone number (default: phone, to, wa_id, ...)
  --param <column>          body parameter from this column; repeat in order ({{1}}, {{2}}, ...)
  --header-image <url>      image header (by link)
  --header-param <column>   text header parameter from this column
  --url-param <i>=<column>  dynamic URL button at index i takes its suffix from this column
  --mps <n>                 messages per second (default 80)
  --campaign <id>           campaign id (default: <template>-<csv file name>)
  --category <c>            marketing | utility | authentication: the rules that apply (consent,
                            frequency caps, quiet hours and the US marketing pause are for marketing).
                            Default: read from each template when a business account id is set
                            (which also checks the template exists, is APPROVED and takes the
                            parameters given, before the first send), else marketing
  ${STORE_HELP}
  --dry-run                 check the CSV and build every message, and the templates with Meta
                            when a business account id is set; send nothing
  -h, --help                show this help

${CREDENTIAL_HELP}

Exit codes: 0 all sent, 1 some rows or sends failed, 2 usage or configuration error.
`;

interface SendPlan {
  templateName: string;
  /** Variant name → template name, for an A/B campaign. */
  variants: Map<string, string>;
  language: string;
  params: string[];
  headerImage: string | undefined;
  headerParam: string | undefined;
  urlParams: Array<{ index: number; column: string }>;
}

function parseUrlParams(values: string[]): Array<{ index: number; column: string }> {
  return values.map((value) => {
    const match = /^(\d+)=(.+)$/.exec(value);
    if (!match) throw new UsageError(`--url-param must look like 1=column, got "${value}"`);
    return { index: Number(match[1]), column: match[2] as string };
  });
}

function parseVariants(values: string[]): Map<string, string> {
  const variants = new Map<string, string>();
  for (const value of values) {
    const match = /^([\w.-]+)=([a-z0-9_]+)$/.exec(value);
    if (!match) throw new UsageError(`--variant must look like A=template_name, got "${value}"`);
    variants.set(match[1] as string, match[2] as string);
  }
  if (variants.size === 1) throw new UsageError('--variant needs at least two variants');
  return variants;
}

/** The template message for one row (`variant` picks the template of an A/B campaign). */
function buildMessage(plan: SendPlan, row: RecipientRow, variant?: string) {
  const components: TemplateMessageComponent[] = [];
  if (plan.headerImage)
    components.push(templateComponents.header(templateParams.image({ link: plan.headerImage })));
  else if (plan.headerParam) {
    components.push(templateComponents.header(templateParams.text(row.columns[plan.headerParam] ?? '')));
  }
  if (plan.params.length > 0) {
    components.push(
      templateComponents.body(...plan.params.map((c) => templateParams.text(row.columns[c] ?? ''))),
    );
  }
  for (const { index, column } of plan.urlParams) {
    components.push(templateComponents.urlButton(index, row.columns[column] ?? ''));
  }
  const name = (variant === undefined ? undefined : plan.variants.get(variant)) ?? plan.templateName;
  return template(row.to, name, plan.language, components.length > 0 ? components : undefined);
}

/** Recipients already sent in this campaign, according to the store's `outbound` events. */
async function alreadySent(opened: OpenedStore, campaignId: string): Promise<Set<string>> {
  const sent = new Set<string>();
  if (!opened.persistent) return sent;
  for await (const event of opened.store.scan({ campaignId, kinds: ['outbound'] })) {
    if (event.kind === 'outbound') sent.add(normalizeRecipientId(event.recipientId));
  }
  return sent;
}

function describeTemplates(plan: SendPlan): string {
  if (plan.variants.size === 0) return `template ${plan.templateName} (${plan.language})`;
  const list = [...plan.variants].map(([v, t]) => `${v}=${t}`).join(', ');
  return `variants ${list} (${plan.language})`;
}

/** What Meta says of each template of the plan (see {@link checkPlanTemplates}). */
interface TemplateCheck {
  /** Template name → its category, for every template that passed. */
  passed: Map<string, MessageCategory | undefined>;
  /** The first template refused (missing, not APPROVED, other parameters), with why. */
  refused?: { name: string; error: ValidationError };
}

/**
 * Checks every template of the plan as a campaign's pre-flight does (exists, APPROVED, the parameters
 * given), before anything is sent: every row gives a template as many parameters (they come from
 * columns), so `row` shows them all. Other errors (network, a token without template access) throw.
 */
async function checkPlanTemplates(
  plan: SendPlan,
  row: RecipientRow,
  client: WhatsAppClient,
): Promise<TemplateCheck> {
  const passed = new Map<string, MessageCategory | undefined>();
  const variants = plan.variants.size > 0 ? [...plan.variants.keys()] : [undefined];
  for (const variant of variants) {
    const message = buildMessage(plan, row, variant);
    const name = message.template.name;
    if (passed.has(name)) continue;
    try {
      passed.set(name, await preflightTemplate(client, message));
    } catch (error) {
      if (!isPreflightError(error)) throw error;
      return { passed, refused: { name, error } };
    }
  }
  return { passed };
}

/**
 * `--dry-run`'s template check: with credentials and a business account id, {@link checkPlanTemplates}
 * and each template's category printed; without them, says it was not checked. Resolves with the exit
 * code (2 when one is refused).
 */
async function checkTemplatesDry(
  plan: SendPlan,
  row: RecipientRow,
  values: Record<string, unknown>,
  io: CliIo,
): Promise<ExitCodeValue> {
  let client: WhatsAppClient;
  try {
    client = new WhatsAppClient(clientOptionsFrom(values, io.env, { businessAccountId: true }));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stdout.write('Templates not checked with Meta (needs an access token and a business account id).\n');
    return ExitCode.ok;
  }
  const check = await checkPlanTemplates(plan, row, client);
  for (const [name, category] of check.passed) {
    io.stdout.write(
      `Template ${printable(name)}: APPROVED, parameters match, category ${category ?? 'unknown'}.\n`,
    );
  }
  if (!check.refused) return ExitCode.ok;
  io.stderr.write(`Template ${printable(check.refused.name)}: ${printable(check.refused.error.message)}\n`);
  return ExitCode.usage;
}

/** The first row of the CSV with a phone number and every column the plan needs, if any. */
async function firstGoodRow(rows: AsyncIterable<RecipientRow>): Promise<RecipientRow | undefined> {
  for await (const row of rows) return row;
  return undefined;
}

/** A template pre-flight refusal (see `CampaignSpec.preflight`). */
function isPreflightError(error: unknown): error is ValidationError {
  return error instanceof ValidationError && error.issues.some((issue) => issue.code === 'preflight');
}

/** `--category`, checked: one of Meta's template categories, or undefined when not given. */
function parseCategory(value: string | undefined): MessageCategory | undefined {
  if (value === undefined) return undefined;
  if (!TEMPLATE_CATEGORIES.includes(value as MessageCategory))
    throw new UsageError(`--category must be one of ${TEMPLATE_CATEGORIES.join(', ')}, got "${value}"`);
  return value as MessageCategory;
}

/** The category a run is governed by, how it was found, and what the run's first line says of it. */
interface CategoryPlan {
  /** The campaign's category (undefined: each template's, by the campaign's pre-flight, or marketing). */
  category: MessageCategory | undefined;
  /** Whether the campaign reads each template's category itself (templates filed under several). */
  preflight: boolean;
  /** For the run's first line. */
  note: string;
  /** Why the templates could not be checked (the run goes on), when they could not. */
  unchecked?: string;
}

/**
 * Decides the run's category: `--category`, else what {@link checkPlanTemplates} read from Meta (one read
 * per template: the campaign reads them again only when they are filed under different categories), else
 * marketing. Resolves with the refusal instead when Meta refused a template.
 */
async function planCategory(
  given: MessageCategory | undefined,
  plan: SendPlan,
  sample: RecipientRow | undefined,
  client: WhatsAppClient,
): Promise<CategoryPlan | NonNullable<TemplateCheck['refused']>> {
  const fromFlag: CategoryPlan | undefined =
    given === undefined ? undefined : { category: given, preflight: false, note: `category ${given}` };
  const assumed = (why: string): CategoryPlan =>
    fromFlag ?? { category: undefined, preflight: false, note: `category marketing (assumed: ${why})` };
  if (sample === undefined)
    return assumed('pass --category, or a business account id to read it from the template');
  let check: TemplateCheck;
  try {
    check = await checkPlanTemplates(plan, sample, client);
  } catch (error) {
    // A token that may send but not read templates, or Meta unreachable: the send itself will tell.
    const unchecked = error instanceof Error ? error.message : String(error);
    return { ...assumed('the templates could not be read; pass --category'), unchecked };
  }
  if (check.refused) return check.refused;
  if (fromFlag !== undefined) return fromFlag;
  const read = new Set(check.passed.values());
  const [only] = read;
  if (read.size === 1 && only !== undefined)
    return { category: only, preflight: false, note: `category ${only} (read from the template)` };
  return {
    category: undefined,
    preflight: true,
    note: 'category as each template is filed (read from Meta)',
  };
}

function describeError(error: WhatsAppError | undefined): string {
  if (!error) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && !error.message.includes(String(code))
    ? `${error.message} (code ${code})`
    : error.message;
}

/**
 * `wacloud send`: a template campaign from a CSV. Resolves with the exit code (0 all sent, 1 some
 * rows or sends failed, 2 usage error); never prints the access token.
 */
export async function runSendCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      template: { type: 'string' },
      lang: { type: 'string', default: 'en_US' },
      to: { type: 'string' },
      'phone-column': { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
      'header-image': { type: 'string' },
      'header-param': { type: 'string' },
      'url-param': { type: 'string', multiple: true, default: [] },
      variant: { type: 'string', multiple: true, default: [] },
      mps: { type: 'string', default: '80' },
      campaign: { type: 'string' },
      category: { type: 'string' },
      store: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      ...CREDENTIAL_OPTIONS,
    },
  });
  if (values.help) {
    io.stdout.write(SEND_HELP);
    return ExitCode.ok;
  }
  if (!values.to) throw new UsageError('--to is required (a CSV file of recipients)');
  const mps = Number(values.mps);
  if (!(mps > 0 && mps <= 1000))
    throw new UsageError(`--mps must be a number from 1 to 1000, got "${values.mps}"`);
  const cwd = io.cwd ?? process.cwd();
  const csvPath = resolve(cwd, values.to);
  if (!existsSync(csvPath)) throw new UsageError(`--to: no such file ${values.to}`);
  const plan: SendPlan = {
    templateName: values.template ?? '',
    variants: parseVariants(values.variant),
    language: values.lang,
    params: values.param,
    headerImage: values['header-image'],
    headerParam: values['header-param'],
    urlParams: parseUrlParams(values['url-param']),
  };
  if (!plan.templateName) {
    const first = plan.variants.values().next().value;
    if (first === undefined) throw new UsageError('--template is required (or two or more --variant)');
    plan.templateName = first;
  }
  const category = parseCategory(values.category);
  const campaignId = values.campaign ?? `${plan.templateName}-${basename(csvPath, extname(csvPath))}`;
  const requiredColumns = [
    ...plan.params,
    ...(plan.headerParam ? [plan.headerParam] : []),
    ...plan.urlParams.map((u) => u.column),
  ];
  const badRows: BadRow[] = [];
  const onBadRow = (row: BadRow) => {
    badRows.push(row);
    io.stderr.write(`line ${row.line}: skipped: ${printable(row.reason)}\n`);
  };
  const readOptions = {
    requiredColumns,
    onBadRow,
    ...(values['phone-column'] ? { phoneColumn: values['phone-column'] } : {}),
  };
  const rows = () => readRecipientsCsv(csvPath, readOptions);

  if (values['dry-run']) {
    const checkTemplates = (row: RecipientRow) => checkTemplatesDry(plan, row, values, io);
    return dryRun(rows(), plan, campaignId, io, onBadRow, badRows, checkTemplates);
  }

  const clientOptions = clientOptionsFrom(values, io.env, { phoneNumberId: true });
  const client = new WhatsAppClient(clientOptions);
  // With the business account, every template is checked before the first send and its category read.
  const sample =
    clientOptions.businessAccountId === undefined
      ? undefined
      : await firstGoodRow(readRecipientsCsv(csvPath, { ...readOptions, onBadRow: () => undefined }));
  const governed = await planCategory(category, plan, sample, client);
  if ('error' in governed) {
    io.stderr.write(
      `wacloud send: template ${printable(governed.name)}: ${printable(governed.error.message)}\nNothing was sent.\n`,
    );
    return ExitCode.usage;
  }
  const opened = await openStore(values.store, cwd);
  try {
    const skipSet = await alreadySent(opened, campaignId);
    let resumed = 0;
    const lineOf = new Map<string, number>();
    async function* fresh(): AsyncGenerator<RecipientRow> {
      for await (const row of rows()) {
        if (skipSet.has(normalizeRecipientId(row.to))) {
          resumed++;
          continue;
        }
        lineOf.set(normalizeRecipientId(row.to), row.line);
        yield row;
      }
    }
    io.stderr.write(
      `Campaign ${printable(campaignId)}: ${printable(describeTemplates(plan))} at ${mps} msg/s, store ${printable(opened.label)}, ${governed.note}\n`,
    );
    if (governed.unchecked !== undefined) {
      io.stderr.write(
        `Templates not checked with Meta (${printable(redact(governed.unchecked, [clientOptions.accessToken]))}).\n`,
      );
    }
    if (skipSet.size > 0) io.stderr.write(`Resuming: ${skipSet.size} recipients already sent are skipped.\n`);
    const total = Math.max(0, (await countLines(csvPath)) - 1 - skipSet.size);
    const queue = new SendQueue({ client, store: opened.store, messagesPerSecond: mps });
    const handle = queue.sendCampaign({
      campaignId,
      recipients: fresh(),
      // The builders' precise template type has no index signature; the shape is what the queue expects.
      build: (row, { variant }) => buildMessage(plan, row, variant) as OutgoingMessageLike,
      ...(plan.variants.size > 0 ? { variants: [...plan.variants.keys()] } : {}),
      ...(governed.category === undefined ? {} : { category: governed.category }),
      preflight: governed.preflight,
      total,
    });
    const bar = new ProgressBar(io.stderr);
    const detail = () => {
      const p = handle.progress();
      return `sent ${p.sent} failed ${p.failed} skipped ${p.skipped} · ${p.ratePerSecond.toFixed(0)} msg/s`;
    };
    const done = () => {
      const p = handle.progress();
      return p.sent + p.failed + p.skipped + p.unknown;
    };
    handle.on('progress', () => bar.update({ done: done(), total, detail: detail() }));
    const skippedBy = new Map<string, number>();
    handle.on('outcome', (outcome) => {
      if (outcome.status === 'sent') return;
      const line = lineOf.get(normalizeRecipientId(outcome.recipientId));
      const where = line === undefined ? outcome.recipientId : `line ${line}`;
      let what: string;
      if (outcome.status === 'skipped') {
        const reason = outcome.reason ?? 'unknown';
        skippedBy.set(reason, (skippedBy.get(reason) ?? 0) + 1);
        // Rows left when the send stopped are counted once at the end, not listed.
        if (reason === 'closed') return;
        what = `skipped: ${describeSkip(outcome)}`;
      } else if (outcome.status === 'unknown') {
        what = `no answer (may have been sent): ${describeError(outcome.error)}`;
      } else {
        what = `failed: ${describeError(outcome.error)}`;
      }
      io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[K' : ''}${printable(where)}: ${printable(what)}\n`);
    });
    // Ctrl-C: no more recipients are read and nothing is sent beyond the requests in flight; the queued
    // rest end skipped (closed), unsent, so a later run resumes them. (The queue holds up to a thousand
    // recipients ahead: at a low --mps, finishing them would take minutes.)
    const onAbort = () => {
      handle.cancel();
      queue.close().catch(() => undefined);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    // Ctrl-C may have come while the CSV was being counted, before the listener existed.
    if (io.signal?.aborted) onAbort();
    let final: Awaited<typeof handle.done>;
    try {
      final = await handle.done;
    } catch (error) {
      if (!isPreflightError(error)) throw error;
      // A template that does not exist, is not approved or takes other parameters: the campaign stops.
      await queue.close();
      bar.finish({ done: done(), total, detail: detail() });
      io.stderr.write(
        `wacloud send: ${printable(error.message)}\nCampaign ${printable(campaignId)} stopped before that template's first send; sent ${handle.progress().sent}.\n`,
      );
      return ExitCode.usage;
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
      await queue.close();
    }
    bar.finish({ done: done(), total, detail: detail() });
    const skips = skipBreakdown(skippedBy);
    io.stdout.write(
      `Campaign ${printable(campaignId)}: sent ${final.sent}, failed ${final.failed}, unknown ${final.unknown}, skipped ${final.skipped}, already sent ${resumed}, bad rows ${badRows.length}${skips ? ` · skipped: ${skips}` : ''}\n`,
    );
    if (!opened.persistent) {
      io.stderr.write(
        'Note: no --store given, so this run is not resumable and `wacloud report` cannot see it.\n',
      );
    }
    const problems = final.failed + final.unknown + badRows.length;
    return problems > 0 || io.signal?.aborted ? ExitCode.partialFailure : ExitCode.ok;
  } finally {
    await opened.close();
  }
}

async function dryRun(
  rows: AsyncIterable<RecipientRow>,
  plan: SendPlan,
  campaignId: string,
  io: CliIo,
  onBadRow: (row: BadRow) => void,
  badRows: BadRow[],
  checkTemplates: (row: RecipientRow) => Promise<ExitCodeValue>,
): Promise<ExitCodeValue> {
  let valid = 0;
  let first: unknown;
  let firstRow: RecipientRow | undefined;
  for await (const row of rows) {
    const message = buildMessage(plan, row);
    try {
      validateOutgoingMessage(message);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      onBadRow({ line: row.line, reason: error.message });
      continue;
    }
    valid++;
    first ??= message;
    firstRow ??= row;
  }
  io.stdout.write(
    `Dry run of campaign ${printable(campaignId)}: ${valid} messages would be sent, ${badRows.length} bad rows; nothing was sent.\n`,
  );
  if (first) io.stdout.write(`First message:\n${printableJson(first, 2)}\n`);
  const templates = firstRow === undefined ? ExitCode.ok : await checkTemplates(firstRow);
  if (templates !== ExitCode.ok) return templates;
  return badRows.length > 0 ? ExitCode.partialFailure : ExitCode.ok;
}

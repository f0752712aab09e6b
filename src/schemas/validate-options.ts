import { z } from 'zod';
import { ConfigError } from '../errors/index.js';

/**
 * Every key of the options interface `T`, optional ones included, mapped to `true`. Written as an
 * object literal, a missing key and an extra key are both compile errors, so the list cannot drift
 * from the interface.
 */
export type OptionKeyList<T> = { readonly [K in keyof T]-?: true };

/** Every key of the options interface `T`, optional ones included, mapped to the zod schema of its value. */
export type OptionShape<T> = { readonly [K in keyof T]-?: z.ZodType };

/**
 * The known keys of an options interface, checked against it at compile time:
 * `optionKeys<StoreSuppressionListOptions>()({ store: true, now: true })`.
 */
export function optionKeys<T>(): (keys: OptionKeyList<T>) => readonly string[] {
  return (keys) => Object.freeze(Object.keys(keys));
}

/**
 * A strict zod object schema for an options interface whose keys are checked against it at compile
 * time (a missing or extra key does not compile): `optionsSchema<SendQueueOptions>()({ client: ..., ... })`.
 */
export function optionsSchema<T>(): <S extends OptionShape<T>>(
  shape: S & Record<Exclude<keyof S, keyof T>, never>,
) => z.ZodObject<S, z.core.$strict> {
  return (shape) => z.strictObject(shape);
}

/**
 * Checks that `options` is an object whose keys are all in `known`; throws {@link ConfigError} in the
 * one format every constructor uses: `Owner: unknown option "foo" (known: a, b, c)`.
 */
export function assertKnownOptions(owner: string, options: unknown, known: readonly string[]): void {
  if (!isOptionsObject(options)) throw new ConfigError(`${owner}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw unknownOption(owner, key, known);
  }
}

/**
 * Validates `options` with a schema made by {@link optionsSchema} and returns the parsed value;
 * throws {@link ConfigError} naming the first unknown or invalid option (never its value).
 */
export function parseOptions<S extends z.ZodType>(owner: string, schema: S, options: unknown): z.output<S> {
  if (!isOptionsObject(options)) throw new ConfigError(`${owner}: options must be an object`);
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const prefix = issue.path.map(String).join('.');
    const key = `${prefix ? `${prefix}.` : ''}${issue.keys[0]}`;
    return throwError(unknownOption(owner, key, knownKeysAt(schema, issue.path)));
  }
  return throwError(
    invalidOption(owner, issue?.path.map(String).join('.') ?? '', issue?.message ?? 'invalid'),
  );
}

/**
 * The {@link ConfigError} for one invalid option, in the one format: `Owner: option "name" must be ...`.
 * `problem` reads after the option name ("must be a positive integer"); a problem that does not start
 * with "must" or "is" is quoted after "is invalid:".
 */
export function invalidOption(owner: string, option: string, problem: string): ConfigError {
  const phrase = /^(must|is|needs|cannot) /.test(problem) ? problem : `is invalid: ${problem}`;
  if (option === '') return new ConfigError(`${owner}: options ${phrase}`);
  return new ConfigError(`${owner}: option "${option}" ${phrase}`, { option });
}

function unknownOption(owner: string, key: string, known: readonly string[] | undefined): ConfigError {
  const list = known && known.length > 0 ? ` (known: ${known.join(', ')})` : '';
  return new ConfigError(`${owner}: unknown option "${key}"${list}`, { option: key });
}

function isOptionsObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function throwError(error: ConfigError): never {
  throw error;
}

/** The keys of the object schema at `path` inside `schema` (through optional wrappers), if it is one. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let shape = shapeOf(schema);
  for (const step of path) shape = shapeOf(shape?.[String(step)]);
  return shape ? Object.keys(shape) : undefined;
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { unwrap?: () => unknown; shape?: Record<string, unknown> } | undefined;
  for (let depth = 0; depth < 4 && typeof current?.unwrap === 'function'; depth++) {
    current = current.unwrap() as typeof current;
  }
  return current?.shape;
}

/**
 * The response checker: the small part of zod/mini's API the schemas use (`object`, `string`, `enum`,
 * `optional`, `regex` …, `safeParse`, `infer`), in one module. A third-party validator cost the default
 * entry two thirds of its size and most of its cold import (its module graph); the checks the SDK
 * needs are structural plus enums and a few patterns, which fit here.
 *
 * Semantics kept from zod/mini: objects accept unknown keys; `optional` accepts a missing key or
 * `undefined`; numbers must be finite; the first problem found is reported with its path.
 */

export interface Issue {
  path: (string | number)[];
  message: string;
}

export type SafeParseResult<T> = { success: true; data: T } | { success: false; error: { issues: Issue[] } };

/** A schema for values of type `T`. */
export interface Schema<T> {
  /** Type-level only: what the schema accepts. */
  readonly _output?: T;
  /** @internal Returns the first problem, or undefined when `value` fits. */
  readonly _check: (value: unknown, path: (string | number)[]) => Issue | undefined;
  safeParse(value: unknown): SafeParseResult<T>;
}

/** A schema whose key may be absent from its object. */
export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly _optional: true;
}

/** A check on a value already of the right type: a message when it fails. */
export type Check<T> = (value: T) => string | undefined;

/** A primitive schema that takes extra checks (`z.regex`, `z.int`, `z.gte`). */
export interface CheckableSchema<T> extends Schema<T> {
  check(...checks: Check<T>[]): Schema<T>;
}

export type StringSchema = CheckableSchema<string>;
export type StringCheck = Check<string>;

type Output<S> = S extends Schema<infer T> ? T : never;

export type { Output as infer };

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends OptionalSchema<unknown> ? K : never;
}[keyof S];
type Flat<T> = { [K in keyof T]: T[K] };
type ObjectOutput<S extends Shape> = Flat<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Output<S[K]> } & { [K in OptionalKeys<S>]?: Output<S[K]> }
>;

export interface ObjectSchema<S extends Shape> extends Schema<ObjectOutput<S>> {
  readonly shape: S;
}

function schema<T>(check: Schema<T>['_check']): Schema<T> {
  return {
    _check: check,
    safeParse(value) {
      const issue = check(value, []);
      return issue ? { success: false, error: { issues: [issue] } } : { success: true, data: value as T };
    },
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function expected(what: string, value: unknown, path: (string | number)[]): Issue {
  return { path: [...path], message: `expected ${what}, received ${describe(value)}` };
}

function typeOf<T>(what: string, test: (value: unknown) => boolean): Schema<T> {
  return schema<T>((value, path) => (test(value) ? undefined : expected(what, value, path)));
}

function checkable<T>(base: Schema<T>): CheckableSchema<T> {
  return {
    ...base,
    check: (...checks) =>
      schema<T>((value, path) => {
        const issue = base._check(value, path);
        if (issue) return issue;
        for (const check of checks) {
          const message = check(value as T);
          if (message) return { path: [...path], message };
        }
        return undefined;
      }),
  };
}

export const string = (): StringSchema => checkable(typeOf<string>('string', (v) => typeof v === 'string'));

export function regex(pattern: RegExp): Check<string> {
  return (value) => (pattern.test(value) ? undefined : `does not match ${pattern}`);
}

export const number = (): CheckableSchema<number> =>
  checkable(typeOf<number>('number', (v) => typeof v === 'number' && Number.isFinite(v)));

export const int = (): Check<number> => (value) =>
  Number.isInteger(value) ? undefined : 'expected an integer';

export const gte =
  (min: number): Check<number> =>
  (value) =>
    value >= min ? undefined : `expected a number ≥ ${min}`;

export const boolean = (): Schema<boolean> => typeOf('boolean', (v) => typeof v === 'boolean');
export const unknown = (): Schema<unknown> => schema(() => undefined);

export function literal<const T extends string | number | boolean>(value: T): Schema<T> {
  return schema((v, path) => (v === value ? undefined : expected(JSON.stringify(value), v, path)));
}

function enumOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  const allowed = new Set<unknown>(values);
  return schema((v, path) => (allowed.has(v) ? undefined : expected(`one of ${values.join(', ')}`, v, path)));
}

export { enumOf as enum };

export function optional<T>(inner: Schema<T>): OptionalSchema<T> {
  const check: Schema<T | undefined>['_check'] = (v, path) =>
    v === undefined ? undefined : inner._check(v, path);
  return { ...schema<T | undefined>(check), _optional: true };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return schema((v, path) => (v === null ? undefined : inner._check(v, path)));
}

export function array<T>(item: Schema<T>): Schema<T[]> {
  return schema((v, path) => {
    if (!Array.isArray(v)) return expected('array', v, path);
    for (let i = 0; i < v.length; i++) {
      const issue = item._check(v[i], [...path, i]);
      if (issue) return issue;
    }
    return undefined;
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function record<V>(_key: StringSchema, value: Schema<V>): Schema<Record<string, V>> {
  return schema((v, path) => {
    if (!isObject(v)) return expected('object', v, path);
    for (const key of Object.keys(v)) {
      const issue = value._check(v[key], [...path, key]);
      if (issue) return issue;
    }
    return undefined;
  });
}

export function object<S extends Shape>(shape: S): ObjectSchema<S> {
  const entries = Object.entries(shape);
  const check: Schema<ObjectOutput<S>>['_check'] = (v, path) => {
    if (!isObject(v)) return expected('object', v, path);
    for (const [key, field] of entries) {
      // Own members only: an inherited `constructor` is not a field the gateway sent.
      const present = Object.hasOwn(v, key);
      if (!present && !(field as Partial<OptionalSchema<unknown>>)._optional) {
        return { path: [...path, key], message: 'required field is missing' };
      }
      const issue = field._check(present ? v[key] : undefined, [...path, key]);
      if (issue) return issue;
    }
    return undefined;
  };
  return { ...schema(check), shape };
}

// Compile-time proof that a response schema (./z.ts) and a generated contract type describe the same shape, so the
// runtime check and the types cannot drift apart. Mutual assignability alone is too weak (it lets an
// optional field go missing), so both sides are first mapped to a form where every key is required.

type Shape<T> = T extends readonly (infer U)[]
  ? Shape<U>[]
  : T extends object
    ? { [K in keyof T]-?: Shape<Exclude<T[K], undefined>> }
    : T;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `true` when `A` and `B` have the same keys, optionality aside, and the same value types, recursively. */
export type SameShape<A, B> = Same<Shape<A>, Shape<B>>;

/** Fails to compile unless given `true`. */
export type Assert<T extends true> = T;

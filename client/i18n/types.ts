import type { ru } from "./ru";

export type MessageKey = keyof typeof ru;
/** Every other language has exactly the source dictionary's keys: a missing or extra key is a type error. */
export type Dictionary = { readonly [K in MessageKey]: string };

/** "Hello, {name}! {count}" → "name" | "count" */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** A message with placeholders takes its values; one without takes nothing. */
export type MessageArgs<K extends MessageKey> = [Placeholders<(typeof ru)[K]>] extends [never]
  ? []
  : [params: Record<Placeholders<(typeof ru)[K]>, string | number>];

export type TranslateFn = <K extends MessageKey>(key: K, ...args: MessageArgs<K>) => string;

/** A message a form shows: a client key, a shared validation code, or text the server already translated. */
export type UiMessage = { key: MessageKey } | { validation: string } | { text: string };

/** Keys whose message has no placeholders: safe to pass around in tables and maps. */
export type PlainKey = { [K in MessageKey]: MessageArgs<K> extends [] ? K : never }[MessageKey];

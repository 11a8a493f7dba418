const NOT_COUNTED = /[\s\p{Cc}\p{Cf}]/u;

/**
 * Whether an intent is substantial enough for the L1 fast path: at least 10 visible characters, at
 * least 3 of them distinct, so filler such as `aaaaaaaaaa` or whitespace never qualifies.
 */
export function l1Intent(intent: string): boolean {
  if (typeof intent !== 'string') return false;
  const visible = [...intent].filter((character) => !NOT_COUNTED.test(character));
  return visible.length >= 10 && new Set(visible).size >= 3;
}

/** Whether the intent has any visible character at all. */
export function hasVisibleText(intent: string): boolean {
  return [...intent].some((character) => !NOT_COUNTED.test(character));
}

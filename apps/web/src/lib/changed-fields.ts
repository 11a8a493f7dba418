/** The fields of `edited` whose values differ from `saved`, so that an update sends only what changed. */
export function changedFields<T extends object>(edited: T, saved: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(edited).filter(([key, value]) => saved[key as keyof T] !== value),
  ) as Partial<T>;
}

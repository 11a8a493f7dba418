/** `…` and the last characters of a ULID: enough to tell runs apart at a glance. */
export function shortId(id: string): string {
  return id.length > 10 ? `…${id.slice(-8)}` : id;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Counts identical tool calls in a row (same name, same JSON input with keys in any order). */
export interface LoopGuard {
  /** Records one tool call; true once the same call has been made `repeats` times in a row. */
  toolCall(name: string, input: unknown): boolean;
}

export function createLoopGuard(repeats: number): LoopGuard {
  let last: string | undefined;
  let count = 0;
  return {
    toolCall(name, input) {
      const signature = `${name}\u0000${canonicalJson(input)}`;
      count = signature === last ? count + 1 : 1;
      last = signature;
      return count >= repeats;
    },
  };
}

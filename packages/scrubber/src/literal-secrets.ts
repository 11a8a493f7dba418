import { redactionMarker } from './scrub-types.js';

/** Values shorter than this are ignored: they would redact ordinary words. */
export const MIN_SECRET_LENGTH = 8;

const GRAM = 4;
const HASH_BITS = 20;
const HASH_MASK = (1 << HASH_BITS) - 1;
const MARKER = redactionMarker('secret');

/** The value and its base64, base64url (no padding), lower/upper hex and URL-encoded forms. */
export function secretForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const forms = [
    value,
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ];
  try {
    forms.push(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be URL-encoded, so that form cannot occur either.
  }
  return forms;
}

function gramHash(text: string, at: number): number {
  return (
    (text.charCodeAt(at) * 29791 +
      text.charCodeAt(at + 1) * 961 +
      text.charCodeAt(at + 2) * 31 +
      text.charCodeAt(at + 3)) &
    HASH_MASK
  );
}

/**
 * Finds known secret values in all their forms with one pass that samples a 4-character gram every
 * `stride` characters: any occurrence of a form at least `shortest` long covers a sampled gram, whose hash
 * is looked up in a bitmap and then verified. The same result as one regex alternation, longest form first.
 */
export class LiteralSecretMatcher {
  private readonly forms: string[];
  private readonly stride: number;
  private readonly bitmap = new Uint32Array(1 << (HASH_BITS - 5));
  /** gram hash -> flat [form, offset, form, offset, ...] */
  private readonly grams = new Map<number, number[]>();
  /** last character of a proper prefix -> flat [form, prefix length, ...], longest prefixes first */
  private readonly prefixEnds = new Map<number, number[]>();

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_LENGTH) continue;
      for (const form of secretForms(secret)) forms.add(form);
    }
    this.forms = [...forms].sort((a, b) => b.length - a.length);
    const shortest = this.forms.at(-1)?.length ?? MIN_SECRET_LENGTH;
    this.stride = shortest - GRAM + 1;
    const prefixes: [number, number][] = [];
    this.forms.forEach((form, index) => {
      for (let offset = 0; offset + GRAM <= form.length; offset++) {
        const hash = gramHash(form, offset);
        this.bitmap[hash >>> 5]! |= 1 << (hash & 31);
        const list = this.grams.get(hash);
        if (list) list.push(index, offset);
        else this.grams.set(hash, [index, offset]);
      }
      for (let length = 1; length < form.length; length++) prefixes.push([index, length]);
    });
    prefixes.sort((a, b) => b[1] - a[1]);
    for (const [index, length] of prefixes) {
      const last = this.forms[index]!.charCodeAt(length - 1);
      const list = this.prefixEnds.get(last);
      if (list) list.push(index, length);
      else this.prefixEnds.set(last, [index, length]);
    }
  }

  get isEmpty(): boolean {
    return this.forms.length === 0;
  }

  /** The longest form, so the longest tail a stream may hold back. */
  get longest(): number {
    return this.forms[0]?.length ?? 0;
  }

  /**
   * Appends the redacted form of `head + body` to `pieces`, taking only occurrences that start before
   * `acceptBefore`; returns the position up to which output was appended. `head` is a short tail held back
   * from earlier text: the body is sampled as is, because V8 reads a concatenation several times slower.
   */
  redact(head: string, body: string, acceptBefore: number, pieces: string[]): number {
    const found =
      head.length === 0 ? [] : this.occurrences(head + body.slice(0, this.longest), 0, head.length);
    const inBody = this.occurrences(body, 0, body.length);
    for (let index = 0; index < inBody.length; index += 2)
      found.push(inBody[index]! + head.length, inBody[index + 1]!);
    let text: string | undefined;
    let position = 0;
    for (let index = 0; index < found.length; index += 2) {
      const start = found[index]!;
      if (start < position) continue;
      if (start >= acceptBefore) break;
      text ??= head + body;
      pieces.push(text.slice(position, start), MARKER);
      position = start + this.forms[found[index + 1]!]!.length;
    }
    return position;
  }

  /** The start (in `head + body`) of the longest tail that is a proper prefix of some form; the length if none. */
  firstUndecided(head: string, body: string): number {
    if (body.length >= this.longest) return head.length + this.undecidedTail(body);
    return this.undecidedTail(head + body);
  }

  private undecidedTail(text: string): number {
    const end = text.length;
    if (end === 0) return end;
    const candidates = this.prefixEnds.get(text.charCodeAt(end - 1));
    if (candidates === undefined) return end;
    for (let index = 0; index < candidates.length; index += 2) {
      const form = this.forms[candidates[index]!]!;
      const length = candidates[index + 1]!;
      if (length > end) continue;
      let same = 1;
      while (same < length && text.charCodeAt(end - 1 - same) === form.charCodeAt(length - 1 - same)) same++;
      if (same === length) return end - length;
    }
    return end;
  }

  /** Flat [start, form, ...] of occurrences starting in [from, to), by start, then longest form first. */
  private occurrences(text: string, from: number, to: number): number[] {
    if (this.forms.length === 0 || from >= to) return [];
    const { bitmap, stride, grams, forms } = this;
    const hits: number[] = [];
    const last = Math.min(text.length, to - 1 + this.longest) - GRAM;
    for (let at = from; at <= last; at += stride) {
      const hash = gramHash(text, at);
      if ((bitmap[hash >>> 5]! & (1 << (hash & 31))) === 0) continue;
      const list = grams.get(hash)!;
      for (let index = 0; index < list.length; index += 2) {
        const form = list[index]!;
        const start = at - list[index + 1]!;
        if (start >= from && start < to && text.startsWith(forms[form]!, start)) hits.push(start, form);
      }
    }
    if (hits.length <= 2) return hits;
    const order = Array.from({ length: hits.length / 2 }, (_, index) => index);
    order.sort((a, b) => hits[2 * a]! - hits[2 * b]! || hits[2 * a + 1]! - hits[2 * b + 1]!);
    const sorted: number[] = [];
    for (const index of order) {
      const start = hits[2 * index]!;
      const form = hits[2 * index + 1]!;
      const previous = sorted.length - 2;
      if (previous >= 0 && sorted[previous] === start && sorted[previous + 1] === form) continue;
      sorted.push(start, form);
    }
    return sorted;
  }
}

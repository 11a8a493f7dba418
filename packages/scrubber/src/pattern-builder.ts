/**
 * A pattern built from pieces, compiled twice: `main` is the regex source that finds a match, `partial`
 * matches (a superset of) every text on which an attempt of `main` is still undecided because it ran into
 * the end of the text. The stream appends `$` to `partial` to find where a secret may still be growing, and
 * `reach` bounds how far an attempt reads ahead, so that only a bounded tail ever has to be held back.
 */
export interface Piece {
  main: string;
  partial: string;
  /** Most characters a match consumes. */
  length: number;
  /** Most characters an attempt reads from its start, lookaheads included. */
  reach: number;
}

const NEVER = '(?!)';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A literal; `caseInsensitive` spells each letter as a two-case class (Node 20 has no inline `(?i:)`). */
export function lit(text: string, caseInsensitive = false): Piece {
  const unit = (char: string) => {
    const lower = char.toLowerCase();
    const upper = char.toUpperCase();
    return caseInsensitive && lower !== upper ? `[${lower}${upper}]` : escapeRegex(char);
  };
  const units = [...text].map(unit);
  let partial = '';
  for (let index = units.length - 1; index >= 0; index--) partial = `(?:${units[index]}${partial})?`;
  return { main: units.join(''), partial, length: units.length, reach: units.length };
}

/** Any one of several literals. */
export function words(list: readonly string[], caseInsensitive = false): Piece {
  return alt(...list.map((word) => lit(word, caseInsensitive)));
}

/** One character from a class such as `[A-Za-z0-9]`. */
export function cls(source: string): Piece {
  return { main: source, partial: `(?:${source})?`, length: 1, reach: 1 };
}

export function seq(...pieces: Piece[]): Piece {
  if (pieces.length === 0) return { main: '', partial: '', length: 0, reach: 0 };
  const [first, ...rest] = pieces as [Piece, ...Piece[]];
  if (rest.length === 0) return first;
  const tail = seq(...rest);
  return {
    main: first.main + tail.main,
    partial: `(?:${first.partial}|${first.main}${tail.partial})`,
    length: first.length + tail.length,
    reach: Math.max(first.reach, first.length + tail.reach),
  };
}

export function alt(...pieces: Piece[]): Piece {
  return {
    main: `(?:${pieces.map((piece) => piece.main).join('|')})`,
    partial: `(?:${pieces.map((piece) => piece.partial).join('|')})`,
    length: Math.max(...pieces.map((piece) => piece.length)),
    reach: Math.max(...pieces.map((piece) => piece.reach)),
  };
}

/** Greedy repetition of `unit` (a piece or a class source) between `min` and `max` times. */
export function rep(unit: Piece | string, min: number, max: number): Piece {
  const piece = typeof unit === 'string' ? cls(unit) : unit;
  return {
    main: `(?:${piece.main}){${min},${max}}`,
    partial: `(?:${piece.main}){0,${max}}${piece.partial}`,
    length: max * piece.length,
    reach: max * piece.length + piece.reach,
  };
}

export function opt(piece: Piece): Piece {
  return { ...piece, main: `(?:${piece.main})?` };
}

export function capture(name: string, piece: Piece): Piece {
  return { ...piece, main: `(?<${name}>${piece.main})` };
}

/** A lookbehind only reads text before the position, so it is always decided. */
export function behind(source: string): Piece {
  return { main: source, partial: NEVER, length: 0, reach: 0 };
}

/** `\b` reads one character ahead: undecided only at the very end. */
export function boundary(): Piece {
  return { main: '\\b', partial: '(?=$)', length: 0, reach: 1 };
}

/** Undecided when the inner attempt runs into the end; the partial then consumes the rest so `$` holds. */
export function ahead(piece: Piece, negative = false): Piece {
  return {
    main: `(?${negative ? '!' : '='}${piece.main})`,
    partial: `(?=${piece.partial}$)[\\s\\S]*`,
    length: 0,
    reach: piece.reach,
  };
}

/** An escape hatch for sources the pieces cannot express (back references); the caller vouches for `partial`. */
export function raw(main: string, partial: string, length: number, reach = length): Piece {
  return { main, partial, length, reach };
}

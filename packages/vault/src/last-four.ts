/** Values shorter than this show no last characters: four of them would give too much away. */
export const LAST_FOUR_MIN_LENGTH = 16;

/** The last 4 characters of a value (whole code points), or "" when the value is short. */
export function lastFour(value: string): string {
  const characters = Array.from(value);
  return characters.length < LAST_FOUR_MIN_LENGTH ? '' : characters.slice(-4).join('');
}

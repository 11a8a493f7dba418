import { describe, expect, it } from 'vitest';
import { CrewshipError, isCrewshipError } from './crewship-error.js';

describe('isCrewshipError', () => {
  it('recognises errors from another bundled copy by shape, and nothing else', () => {
    class ForeignCopy extends Error {
      readonly kind = 'conflict';
      override readonly name = 'CrewshipError';
    }
    expect(isCrewshipError(new CrewshipError('not_found', 'x'))).toBe(true);
    expect(isCrewshipError(new ForeignCopy('x'))).toBe(true);
    expect(isCrewshipError(Object.assign(new Error('x'), { name: 'CrewshipError', kind: 'made_up' }))).toBe(
      false,
    );
    expect(isCrewshipError({ name: 'CrewshipError', kind: 'conflict', message: 'x' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { changedFields } from './changed-fields';

describe('changedFields', () => {
  it('keeps only the fields whose values differ from the saved ones', () => {
    const saved = { name: 'demo', memory_mb: 2048, model: null as string | null };
    expect(changedFields({ name: 'demo', memory_mb: 4096, model: 'opus' }, saved)).toEqual({
      memory_mb: 4096,
      model: 'opus',
    });
  });

  it('gives nothing to send when the form matches what is saved', () => {
    expect(changedFields({ name: 'demo', cpus: 2 }, { name: 'demo', cpus: 2 })).toEqual({});
  });
});

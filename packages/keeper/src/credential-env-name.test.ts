import { describe, expect, it } from 'vitest';
import { credentialEnvName, isReservedEnvName } from './credential-env-name.js';

describe('credentialEnvName', () => {
  it.each([
    ['github-token', 'GITHUB_TOKEN'],
    ['Stripe Live Key', 'STRIPE_LIVE_KEY'],
    ['1password.vault', '_1PASSWORD_VAULT'],
    ['héllo', 'H_LLO'],
  ])('%s -> %s', (name, expected) => {
    expect(credentialEnvName(name)).toBe(expected);
  });

  it('reserves variables that steer the shell or the loader', () => {
    for (const name of ['PATH', 'IFS', 'BASH_ENV', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'NODE_OPTIONS', '']) {
      expect(isReservedEnvName(name), name).toBe(true);
    }
    expect(isReservedEnvName('GITHUB_TOKEN')).toBe(false);
  });
});

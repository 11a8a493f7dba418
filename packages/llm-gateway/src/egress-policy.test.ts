import { describe, expect, it } from 'vitest';
import {
  EgressPolicy,
  isInternalAddress,
  normalizeHost,
  parseAbsoluteUrl,
  parseAuthority,
} from './egress-policy.js';

describe('normalizeHost', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['example.com:8443', 'example.com'],
    ['[::1]:443', '::1'],
    ['[::1]', '::1'],
    ['[2001:DB8::1]', '2001:db8::1'],
    ['0x7f.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeHost(input)).toBe(expected);
  });

  it.each(['', 'user@example.com', 'example.com/path', 'exa mple.com', '[::1'])('rejects %j', (input) => {
    expect(normalizeHost(input)).toBeNull();
  });
});

describe('parseAuthority', () => {
  it('parses host:port and [v6]:port', () => {
    expect(parseAuthority('API.Anthropic.com.:443')).toEqual({ host: 'api.anthropic.com', port: 443 });
    expect(parseAuthority('[::1]:443')).toEqual({ host: '::1', port: 443 });
  });

  it.each(['example.com', 'example.com:0', 'example.com:70000', '::1:443', 'a@b:443', ':443'])(
    'rejects %j',
    (input) => {
      expect(parseAuthority(input)).toBeNull();
    },
  );
});

describe('parseAbsoluteUrl', () => {
  it('reads host and default ports', () => {
    expect(parseAbsoluteUrl('http://Example.com./x?y=1')).toMatchObject({ host: 'example.com', port: 80 });
    expect(parseAbsoluteUrl('https://example.com/')).toMatchObject({ host: 'example.com', port: 443 });
    expect(parseAbsoluteUrl('http://[::1]:8080/')).toMatchObject({ host: '::1', port: 8080 });
    expect(parseAbsoluteUrl('/v1/messages')).toBeNull();
    expect(parseAbsoluteUrl('http://user:pw@example.com/')).toBeNull();
  });
});

describe('EgressPolicy', () => {
  const restricted = new EgressPolicy('restricted', [
    'github.com',
    '*.npmjs.org',
    'Registry.Example.COM.',
    '::1',
  ]);

  it.each([
    ['api.anthropic.com', true],
    ['generativelanguage.googleapis.com', true],
    ['github.com', true],
    ['api.github.com', false],
    ['registry.npmjs.org', true],
    ['a.b.npmjs.org', true],
    ['npmjs.org', false],
    ['evilnpmjs.org', false],
    ['registry.example.com', true],
    ['::1', true],
    ['example.org', false],
    ['anthropic.com', false],
  ])('restricted: %s → %s', (host, allowed) => {
    expect(restricted.allows(host)).toBe(allowed);
  });

  it('matches whatever the spelling once hosts are normalized', () => {
    for (const spelling of ['GITHUB.COM', 'github.com.', 'github.com:443', 'GitHub.Com.:22']) {
      expect(restricted.allows(normalizeHost(spelling)!)).toBe(true);
    }
  });

  it('fails closed for unknown modes and opens everything in free mode', () => {
    for (const mode of ['', 'open', 'FREE', 'none']) {
      const policy = new EgressPolicy(mode, []);
      expect(policy.allows('example.org')).toBe(false);
      expect(policy.allows('api.openai.com')).toBe(true);
    }
    expect(new EgressPolicy('free', []).allows('example.org')).toBe(true);
  });

  it('does not let wildcards match IP literals', () => {
    expect(new EgressPolicy('restricted', ['*.1']).allows('127.0.0.1')).toBe(false);
  });
});

describe('isInternalAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['0.0.0.0', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['8.8.8.8', false],
    ['10.0.0.1', false],
    ['2001:db8::1', false],
    ['example.com', false],
  ])('%s → %s', (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal);
  });
});

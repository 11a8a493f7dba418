import { describe, expect, it } from 'vitest';
import { emailSchema, slugify, slugSchema } from './common.js';
import { allowedDomainsSchema, createCrewRequestSchema, runtimeImageSchema } from './crews.js';
import { roleAtLeast } from './roles.js';

describe('slugify', () => {
  it.each([
    ['My Crew!', 'my-crew'],
    ['  Ünïcödé  Team ', 'unicode-team'],
    ['---', 'item'],
    ['a'.repeat(80), 'a'.repeat(48)],
  ])('%s -> %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(slugSchema.safeParse(slugify(name)).success).toBe(true);
  });
});

describe('schemas', () => {
  it('normalizes emails to lower case', () => {
    expect(emailSchema.parse('  Someone@Example.COM ')).toBe('someone@example.com');
    expect(emailSchema.safeParse('no-at-sign').success).toBe(false);
  });

  it('accepts domain names and wildcards, normalized and de-duplicated', () => {
    expect(allowedDomainsSchema.parse(['API.example.com.', '*.npmjs.org', 'api.example.com'])).toEqual([
      'api.example.com',
      '*.npmjs.org',
    ]);
    for (const bad of [
      'http://x.com',
      'x.com/path',
      'x.com:443',
      '*',
      '*.',
      'a..b',
      '-a.com',
      'sp ace.com',
    ]) {
      expect(allowedDomainsSchema.safeParse([bad]).success, bad).toBe(false);
    }
  });

  it('accepts container image references and rejects shell text', () => {
    for (const good of [
      'debian:bookworm-slim',
      'ubuntu',
      'ghcr.io/org/img:1.0',
      'localhost:5000/a/b',
      `img@sha256:${'a'.repeat(64)}`,
    ]) {
      expect(runtimeImageSchema.safeParse(good).success, good).toBe(true);
    }
    for (const bad of ['Debian', 'img;ls', 'img:tag:tag', '', 'a b']) {
      expect(runtimeImageSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('fills crew defaults', () => {
    expect(createCrewRequestSchema.parse({ name: 'x' })).toEqual({
      name: 'x',
      description: '',
      runtime_image: 'debian:bookworm-slim',
      network_mode: 'restricted',
      allowed_domains: [],
      memory_mb: 2048,
      cpus: 2,
    });
  });

  it('orders roles', () => {
    expect(roleAtLeast('OWNER', 'ADMIN')).toBe(true);
    expect(roleAtLeast('MANAGER', 'MANAGER')).toBe(true);
    expect(roleAtLeast('MEMBER', 'MANAGER')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { hostsIn } from './hosts-in.js';

const sorted = (value: unknown) => hostsIn(value).sort();

describe('hostsIn', () => {
  it.each<[input: unknown, hosts: string[]]>([
    ['curl https://Api.Example.COM/v1?x=1', ['api.example.com']],
    ['http://example.com:8080/path', ['example.com']],
    ['ws://socket.example.com', ['socket.example.com']],
    ['WSS://Socket.Example.com:443/x', ['socket.example.com']],
    ['http://[::1]:8080/', ['::1']],
    ['http://[2001:DB8::1]/x', ['2001:db8::1']],
    ['http://good.com@evil.com/', ['evil.com']],
    ['http://good.com:pass@evil.com:81/', ['evil.com']],
    ['http://a@b@evil.com/', ['evil.com']],
    ['http://evil.com#@good.com', ['evil.com']],
    ['http://evil.com?@good.com', ['evil.com']],
    ['http://evil.com./x', ['evil.com']],
    ['git clone git@github.com:org/repo.git', ['github.com']],
    ['git@[::1]:repo.git', ['::1']],
    ['ssh://git@gitlab.example.com:22/org/repo', ['gitlab.example.com']],
    ['no urls here, just /absolute/paths and a@b', []],
    ['"url":"https:\\/\\/escaped.example.com\\/x"', ['escaped.example.com']],
    [
      { url: 'https://one.example.com', nested: [{ deep: 'see http://two.example.com/' }] },
      ['one.example.com', 'two.example.com'],
    ],
    [{ 'https://in-a-key.example.com': true }, ['in-a-key.example.com']],
    [42, []],
    [null, []],
  ])('%j → %j', (input, hosts) => {
    expect(sorted(input)).toEqual([...hosts].sort());
  });

  it('returns every reading where URL parsers disagree', () => {
    expect(hostsIn('http://evil.com\\@good.com/')).toEqual(expect.arrayContaining(['evil.com', 'good.com']));
    expect(hostsIn('http://evil%2Ecom/')).toEqual(expect.arrayContaining(['evil.com']));
    expect(hostsIn('http://0x7f.1/')).toEqual(expect.arrayContaining(['127.0.0.1']));
    expect(hostsIn('http://2130706433/')).toEqual(expect.arrayContaining(['127.0.0.1']));
  });

  it('walks huge and deeply nested inputs without recursion', () => {
    let deep: unknown = 'https://bottom.example.com';
    for (let level = 0; level < 50_000; level += 1) deep = [deep];
    expect(hostsIn(deep)).toEqual(['bottom.example.com']);
    const wide = Array.from({ length: 200_000 }, (_, index) =>
      index === 199_999 ? 'http://last.example.com' : 'x',
    );
    expect(hostsIn(wide)).toEqual(['last.example.com']);
    const long = `${'http://'.repeat(100_000)}${'@'.repeat(100_000)}${'a'.repeat(100_000)} http://tail.example.com`;
    expect(hostsIn(long)).toContain('tail.example.com');
  });
});

describe('hostsIn on cyclic values', () => {
  it('visits each object once', () => {
    const cyclic: Record<string, unknown> = { url: 'https://loop.example.com' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, cyclic];
    expect(hostsIn(cyclic)).toEqual(['loop.example.com']);
  });
});

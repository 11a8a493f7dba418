import { describe, expect, it } from 'vitest';
import { forwardableHeaders } from './forwardable-headers.js';

describe('forwardableHeaders', () => {
  it('drops hop-by-hop headers, Proxy-Authorization, the internal token and headers named in Connection', () => {
    const raw = [
      ['Host', 'sidecar'],
      ['Connection', 'keep-alive, X-Hop-Me'],
      ['Proxy-Connection', 'X-Also-Hop'],
      ['Keep-Alive', 'timeout=5'],
      ['Proxy-Authorization', 'Basic c2VjcmV0'],
      ['TE', 'trailers'],
      ['Trailer', 'x-checksum'],
      ['Transfer-Encoding', 'chunked'],
      ['Upgrade', 'h2c'],
      ['X-Crewship-Internal-Token', 'forged'],
      ['X-Hop-Me', '1'],
      ['X-Also-Hop', '2'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['X-Api-Key', 'crewship-agent-ada'],
    ].flat();
    expect(forwardableHeaders(raw)).toEqual(
      [
        ['Host', 'sidecar'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['X-Api-Key', 'crewship-agent-ada'],
      ].flat(),
    );
  });

  it('drops extra names on request, but never Host or Content-Length because Connection lists them', () => {
    const raw = [
      'Host',
      'h',
      'Content-Length',
      '3',
      'Expect',
      '100-continue',
      'Connection',
      'host, content-length',
    ];
    expect(forwardableHeaders(raw, ['expect'])).toEqual(['Host', 'h', 'Content-Length', '3']);
  });
});

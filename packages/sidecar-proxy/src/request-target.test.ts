import { describe, expect, it } from 'vitest';
import { resolveRequestTarget } from './request-target.js';

describe('resolveRequestTarget', () => {
  it('maps the three provider routes onto the gateway, keeping the query string', () => {
    expect(resolveRequestTarget('/v1/messages?beta=true')).toEqual({
      kind: 'provider',
      provider: 'anthropic',
      gatewayPath: '/provider/anthropic/v1/messages?beta=true',
      logPath: '/v1/messages',
    });
    expect(resolveRequestTarget('/openai/v1/responses')).toMatchObject({
      provider: 'openai',
      gatewayPath: '/provider/openai/v1/responses',
    });
    expect(
      resolveRequestTarget('/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse'),
    ).toEqual({
      kind: 'provider',
      provider: 'google',
      gatewayPath: '/provider/google/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      logPath: '/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent',
    });
  });

  it('answers /health itself and 404s paths outside the routes', () => {
    expect(resolveRequestTarget('/health').kind).toBe('health');
    expect(resolveRequestTarget('/health?x=1').kind).toBe('health');
    for (const path of ['/', '/openai', '/v1', '/v2/messages', '/provider/anthropic/v1/messages', '*']) {
      expect(resolveRequestTarget(path).kind, path).toBe('not_found');
    }
  });

  it('refuses dot segments that could climb out of /provider/{name}', () => {
    for (const path of [
      '/v1/../../api/v1/credentials',
      '/v1/%2e%2e/x',
      '/v1/%2E./x',
      '/openai/./v1',
      '/v1\\..\\x',
    ]) {
      expect(resolveRequestTarget(path).kind, path).toBe('invalid');
    }
    expect(resolveRequestTarget('/v1/models/a..b').kind).toBe('provider');
  });

  it('passes absolute-form targets through as they are, logging them without the query', () => {
    expect(resolveRequestTarget('http://example.com:8080/a/b?secret=1')).toEqual({
      kind: 'forward',
      gatewayPath: 'http://example.com:8080/a/b?secret=1',
      logPath: 'http://example.com:8080/a/b',
    });
    expect(resolveRequestTarget('ftp://example.com/x').kind).toBe('not_found');
    expect(resolveRequestTarget('http://exa mple.com/').kind).toBe('invalid');
  });

  it('treats absolute-form targets addressed to the sidecar itself as origin-form', () => {
    const self = new Set(['127.0.0.1:9119', 'localhost:9119']);
    expect(resolveRequestTarget('http://127.0.0.1:9119/v1/messages?beta=true', self)).toMatchObject({
      kind: 'provider',
      gatewayPath: '/provider/anthropic/v1/messages?beta=true',
    });
    expect(resolveRequestTarget('http://LOCALHOST:9119/health', self).kind).toBe('health');
    expect(resolveRequestTarget('http://127.0.0.1:9120/v1/messages', self).kind).toBe('forward');
  });

  it('routes the two Keeper paths to the same gateway paths, without the query string', () => {
    expect(resolveRequestTarget('/keeper/request?agent=x')).toEqual({
      kind: 'keeper',
      action: 'request',
      gatewayPath: '/keeper/request',
      logPath: '/keeper/request',
    });
    const self = new Set(['127.0.0.1:9119']);
    expect(resolveRequestTarget('http://127.0.0.1:9119/keeper/execute', self)).toMatchObject({
      kind: 'keeper',
      action: 'execute',
    });
    for (const path of ['/keeper', '/keeper/', '/keeper/request/x', '/keeper/grant']) {
      expect(resolveRequestTarget(path).kind, path).toBe('not_found');
    }
  });
});

import type { SelectedCredential } from '@crewship/contracts';
import { describe, expect, it } from 'vitest';
import {
  clientResponseHeaders,
  dummyKeyOf,
  injectCredential,
  isOAuthCredential,
  providerErrorBody,
  stripKeyParameter,
  upstreamRequestHeaders,
} from './provider-wire.js';

const selected = (value: string, type: 'API_KEY' | 'OAUTH_TOKEN' = 'API_KEY'): SelectedCredential => ({
  value,
  credential: {
    id: 'cred-1',
    workspace_id: 'ws',
    name: 'c',
    type,
    provider: 'anthropic',
    priority: 0,
    last4: value.slice(-4),
    agent_ids: [],
    cooldown_until: null,
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    rotated_at: null,
  },
});

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop, auth, proxy and internal headers and those named in Connection', () => {
    const headers = upstreamRequestHeaders({
      host: 'sidecar',
      connection: 'keep-alive, x-drop-me',
      'x-drop-me': '1',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'proxy-authorization': 'Basic abc',
      authorization: 'Bearer crewship-agent-ada',
      'x-api-key': 'crewship-agent-ada',
      'x-goog-api-key': 'crewship-agent-ada',
      cookie: 'a=b',
      'x-crewship-internal-token': 'secret',
      'x-forwarded-for': '1.2.3.4',
      'content-length': '12',
      'accept-encoding': 'gzip, br',
      'content-type': 'application/json',
      'anthropic-beta': 'tools-2024',
      'user-agent': 'claude-cli',
    });
    expect(headers).toEqual({
      'content-type': 'application/json',
      'anthropic-beta': 'tools-2024',
      'user-agent': 'claude-cli',
      'accept-encoding': 'identity',
    });
  });

  it('keeps end-to-end response headers only', () => {
    expect(
      clientResponseHeaders({
        'content-type': 'text/event-stream',
        connection: 'close',
        'transfer-encoding': 'chunked',
      }),
    ).toEqual({ 'content-type': 'text/event-stream' });
  });
});

describe('dummyKeyOf', () => {
  it('reads where each provider SDK puts its key', () => {
    expect(dummyKeyOf('anthropic', { 'x-api-key': 'k1' }, undefined)).toBe('k1');
    expect(dummyKeyOf('anthropic', { authorization: 'Bearer k2' }, undefined)).toBe('Bearer k2');
    expect(dummyKeyOf('openai', { authorization: 'Bearer k3', 'x-api-key': 'no' }, undefined)).toBe(
      'Bearer k3',
    );
    expect(dummyKeyOf('openai', { 'x-api-key': 'no' }, undefined)).toBeUndefined();
    expect(dummyKeyOf('google', { 'x-goog-api-key': 'k4' }, 'k5')).toBe('k4');
    expect(dummyKeyOf('google', {}, 'k5')).toBe('k5');
  });
});

describe('injectCredential', () => {
  it('anthropic API key: x-api-key and a default version', () => {
    const headers: Record<string, string> = {};
    injectCredential('anthropic', headers, selected('sk-ant-api03-real'));
    expect(headers).toEqual({ 'x-api-key': 'sk-ant-api03-real', 'anthropic-version': '2023-06-01' });
  });

  it('anthropic OAuth: Bearer plus the oauth beta appended to the client betas, client version kept', () => {
    const headers: Record<string, string> = { 'anthropic-version': '2024-01-01', 'anthropic-beta': 'a,b' };
    injectCredential('anthropic', headers, selected('sk-ant-oat01-real'));
    expect(headers).toEqual({
      authorization: 'Bearer sk-ant-oat01-real',
      'anthropic-version': '2024-01-01',
      'anthropic-beta': 'a,b,oauth-2025-04-20',
    });
    expect(isOAuthCredential('anthropic', selected('sk-ant-oat01-real'))).toBe(true);
    expect(isOAuthCredential('anthropic', selected('sk-ant-api03-real'))).toBe(false);
  });

  it('openai Bearer; google header, Bearer for OAuth tokens', () => {
    const openai: Record<string, string> = {};
    injectCredential('openai', openai, selected('sk-proj-real'));
    expect(openai).toEqual({ authorization: 'Bearer sk-proj-real' });
    const google: Record<string, string> = {};
    injectCredential('google', google, selected('AIza-real'));
    expect(google).toEqual({ 'x-goog-api-key': 'AIza-real' });
    const googleOauth: Record<string, string> = {};
    injectCredential('google', googleOauth, selected('ya29.real', 'OAUTH_TOKEN'));
    expect(googleOauth).toEqual({ authorization: 'Bearer ya29.real' });
  });
});

describe('stripKeyParameter', () => {
  it('removes key and keeps the others byte for byte', () => {
    expect(stripKeyParameter('?alt=sse&key=crewship-agent-ada&x=a%20b')).toEqual({
      search: '?alt=sse&x=a%20b',
      key: 'crewship-agent-ada',
    });
    expect(stripKeyParameter('?%6Bey=v')).toEqual({ search: '', key: 'v' });
    expect(stripKeyParameter('')).toEqual({ search: '', key: undefined });
    expect(stripKeyParameter('?keys=1')).toEqual({ search: '?keys=1', key: undefined });
  });
});

describe('providerErrorBody', () => {
  it('uses each provider error shape', () => {
    expect(JSON.parse(providerErrorBody('anthropic', 401, 'm'))).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'm' },
    });
    expect(JSON.parse(providerErrorBody('openai', 502, 'm'))).toEqual({
      error: { message: 'm', type: 'server_error', param: null, code: null },
    });
    expect(JSON.parse(providerErrorBody('google', 403, 'm'))).toEqual({
      error: { code: 403, message: 'm', status: 'PERMISSION_DENIED' },
    });
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import {
  agentSlugFromDummyKey,
  type LlmCallAdmission,
  type LlmProvider,
  type LlmUsage,
  MAX_PROXY_BODY_BYTES,
  type ModelToolCall,
  type SelectedCredential,
} from '@crewship/contracts';
import { z } from 'zod';
import { appendJournal, type CrewState, type GatewayContext } from './gateway-context.js';
import { relayHeld } from './held-relay.js';
import {
  clientResponseHeaders,
  credentialProviderFor,
  dummyKeyOf,
  injectCredential,
  isOAuthCredential,
  providerErrorBody,
  stripKeyParameter,
  upstreamRequestHeaders,
} from './provider-wire.js';
import { readBody } from './read-body.js';
import { JOURNALED_BODY_CHARS, ResponseObserver } from './response-observer.js';
import { ToolCallScanner } from './tool-call-scanner.js';
import { callUpstream, type UpstreamResponse } from './upstream-client.js';

const requestFieldsSchema = z.looseObject({
  model: z.string().max(256).optional().catch(undefined),
  stream: z.boolean().optional().catch(undefined),
});

function sendProviderError(
  response: ServerResponse,
  provider: LlmProvider,
  status: number,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = providerErrorBody(provider, status, message);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  response.end(body);
}

function decodedRequestBody(body: Buffer, encoding: string | undefined): Buffer | null {
  const options = { maxOutputLength: MAX_PROXY_BODY_BYTES * 4 };
  try {
    switch ((encoding ?? 'identity').trim().toLowerCase()) {
      case 'identity':
      case '':
        return body;
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, options);
      case 'deflate':
        return inflateSync(body, options);
      case 'br':
        return brotliDecompressSync(body, options);
      default:
        return null;
    }
  } catch {
    return null;
  }
}

interface RequestFacts {
  model: string | null;
  stream: boolean;
  text: string | null;
}

function requestFacts(
  provider: LlmProvider,
  path: string,
  body: Buffer,
  encoding: string | undefined,
): RequestFacts {
  const decoded = body.length > 0 ? decodedRequestBody(body, encoding) : null;
  const text = decoded ? decoded.toString('utf8') : null;
  let fields: z.infer<typeof requestFieldsSchema> = {};
  if (text) {
    try {
      const parsed = requestFieldsSchema.safeParse(JSON.parse(text));
      if (parsed.success) fields = parsed.data;
    } catch {
      // Not JSON: no model to read.
    }
  }
  let model = fields.model ?? null;
  let stream = fields.stream === true;
  if (provider === 'google') {
    const match = /\/models\/([^/:?]+)(?::([A-Za-z]+))?/.exec(path);
    if (match) {
      try {
        model = decodeURIComponent(match[1]!);
      } catch {
        model = match[1]!;
      }
      stream ||= match[2] === 'streamGenerateContent';
    }
  }
  return { model, stream, text };
}

interface CallRecord {
  selected: SelectedCredential;
  status: number | null;
  usage: LlmUsage;
  streamed: boolean;
  durationMs: number;
  error?: string;
  responseBody?: string;
}

const ZERO_USAGE: LlmUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

interface CallContext {
  provider: LlmProvider;
  path: string;
  slug: string;
  agentId: string;
  facts: RequestFacts;
}

/** One metering event (when upstream answered) and one `llm.call` entry per upstream call; never the key. */
function recordCall(context: GatewayContext, crew: CrewState, call: CallContext, result: CallRecord): void {
  const { provider, facts } = call;
  const billingMode = isOAuthCredential(provider, result.selected) ? 'subscription' : 'api';
  const credentialId = result.selected.credential.id;
  const durationMs = Math.round(result.durationMs);
  if (result.status !== null) {
    try {
      context.metering.record({
        at: new Date().toISOString(),
        workspaceId: crew.workspaceId,
        crewId: crew.crewId,
        agentId: call.agentId,
        credentialId,
        provider,
        model: facts.model,
        usage: result.usage,
        status: result.status,
        streamed: result.streamed,
        durationMs,
        billingMode,
      });
    } catch (error) {
      crew.logger.error('metering sink failed', { error: String(error) });
    }
  }
  const model = facts.model ?? 'unknown-model';
  const summary =
    result.status === null
      ? `${provider} ${model} failed: ${result.error ?? 'no response'}`
      : `${provider} ${model} ${result.status} ${result.usage.inputTokens}+${result.usage.outputTokens} tokens`;
  const payload: Record<string, unknown> = {
    provider,
    model: facts.model,
    path: call.path,
    status: result.status,
    usage: result.usage,
    durationMs,
    streamed: result.streamed,
    credentialId,
    billingMode,
  };
  if (result.error) payload.error = result.error;
  if (context.journalBodies) {
    payload.requestBody = facts.text?.slice(0, JOURNALED_BODY_CHARS) ?? null;
    payload.responseBody = result.responseBody ?? null;
  }
  appendJournal(context, {
    workspaceId: crew.workspaceId,
    crewId: crew.crewId,
    agentId: call.agentId,
    entryType: 'llm.call',
    // A stream that broke off after a good status is a warning: the agent got a partial answer.
    severity:
      result.status === null || result.status >= 500
        ? 'error'
        : result.status >= 400 || result.error
          ? 'warn'
          : 'info',
    actor: `agent:${call.slug}`,
    summary,
    payload,
  });
}

/** Most bytes of one response held back while its tool calls wait for the gate. */
const MAX_HELD_BYTES = 64 * 1024 * 1024;

type Admitted = { release(): void };

/** Asks the call guard; on refusal answers the client and journals `llm.blocked`, returning null. */
async function admit(
  context: GatewayContext,
  crew: CrewState,
  call: CallContext,
  response: ServerResponse,
): Promise<Admitted | null> {
  const guard = context.callGuard;
  if (!guard) return { release() {} };
  const { provider, facts } = call;
  let admission: LlmCallAdmission;
  try {
    admission = await guard.admit({
      workspaceId: crew.workspaceId,
      crewId: crew.crewId,
      agentId: call.agentId,
      provider,
      model: facts.model,
    });
  } catch (error) {
    crew.logger.error('call guard failed', { error: String(error) });
    sendProviderError(response, provider, 503, 'the budget check is unavailable; try again later');
    return null;
  }
  if (admission.allowed) {
    const release = admission.release;
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        try {
          release();
        } catch (error) {
          crew.logger.error('releasing the call admission failed', { error: String(error) });
        }
      },
    };
  }
  sendProviderError(response, provider, admission.status, admission.message);
  appendJournal(context, {
    workspaceId: crew.workspaceId,
    crewId: crew.crewId,
    agentId: call.agentId,
    entryType: 'llm.blocked',
    severity: 'warn',
    actor: `agent:${call.slug}`,
    summary: `${provider} ${facts.model ?? 'unknown-model'} blocked: ${admission.message}`,
    payload: { provider, model: facts.model, status: admission.status, message: admission.message },
  });
  return null;
}

function journalToolDenial(
  context: GatewayContext,
  crew: CrewState,
  call: CallContext,
  toolCalls: readonly ModelToolCall[],
  reason: string,
): void {
  const tools = toolCalls.map((toolCall) => toolCall.name);
  appendJournal(context, {
    workspaceId: crew.workspaceId,
    crewId: crew.crewId,
    agentId: call.agentId,
    entryType: 'llm.tool_denied',
    severity: 'warn',
    actor: `agent:${call.slug}`,
    summary: `${call.provider} tool call${tools.length === 1 ? '' : 's'} ${tools.join(', ') || '(unread)'} denied: ${reason}`,
    payload: { provider: call.provider, model: call.facts.model, tools, reason },
  });
}

/**
 * Serves `/provider/{provider}/…`: resolves the agent from its dummy key, swaps in the real credential,
 * asks the call guard, forwards to the upstream while metering, fails over once after a 401 or 429, and
 * holds responses with tool calls for the tool gate.
 */
export async function handleProviderRequest(
  context: GatewayContext,
  crew: CrewState,
  provider: LlmProvider,
  pathAndQuery: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let clientGone = false;
  let inFlight: { destroy(): void } | null = null;
  response.once('close', () => {
    if (!response.writableFinished) {
      clientGone = true;
      inFlight?.destroy();
    }
  });

  const queryStart = pathAndQuery.indexOf('?');
  const path = queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart);
  const { search, key: queryKey } = stripKeyParameter(
    queryStart === -1 ? '' : pathAndQuery.slice(queryStart),
  );

  const slug = agentSlugFromDummyKey(dummyKeyOf(provider, request.headers, queryKey));
  if (!slug) {
    sendProviderError(response, provider, 401, 'the request carries no Crewship agent key');
    return;
  }
  const agent = await context.findAgent(crew.crewId, slug);
  if (!agent) {
    sendProviderError(response, provider, 401, `agent ${slug} is not part of this crew`);
    return;
  }

  const read = await readBody(request, MAX_PROXY_BODY_BYTES);
  if (read.outcome === 'aborted') {
    response.destroy();
    return;
  }
  if (read.outcome === 'too_large') {
    sendProviderError(response, provider, 413, `request body exceeds ${MAX_PROXY_BODY_BYTES} bytes`, {
      connection: 'close',
    });
    return;
  }
  const body = read.body;
  const facts = requestFacts(provider, path, body, request.headers['content-encoding'] as string | undefined);

  const credentialProvider = credentialProviderFor(provider);
  let selected = await context.vault.select(crew.workspaceId, agent.id, credentialProvider);
  if (!selected) {
    sendProviderError(
      response,
      provider,
      403,
      `no ${provider} credential is assigned to agent ${slug} in this workspace`,
    );
    return;
  }

  const call: CallContext = { provider, path, slug, agentId: agent.id, facts };
  const admitted = await admit(context, crew, call, response);
  if (!admitted) return;
  // From here on exactly one path releases the admission: the relay once the last call is recorded,
  // or the finally below for every way out before the relay took over.
  let relayed = false;
  try {
    const record = (result: CallRecord) => recordCall(context, crew, call, result);

    for (let attempt = 1; ; attempt++) {
      if (clientGone) return;
      const started = performance.now();
      let upstream: UpstreamResponse;
      try {
        upstream = await sendUpstream(context, provider, path + search, request, body, selected, (handle) => {
          inFlight = handle;
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        record({
          selected,
          status: null,
          usage: ZERO_USAGE,
          streamed: facts.stream,
          durationMs: performance.now() - started,
          error: message,
        });
        if (!clientGone)
          sendProviderError(response, provider, 502, `upstream ${provider} unreachable: ${message}`);
        return;
      }
      inFlight = upstream;
      const status = upstream.statusCode ?? 502;

      if (status === 401 || status === 429) {
        await context.vault.reportFailure(selected.credential.id, status).catch((error: unknown) => {
          crew.logger.error('reportFailure failed', { error: String(error) });
        });
        if (attempt === 1 && !clientGone) {
          const next = await context.vault
            .select(crew.workspaceId, agent.id, credentialProvider)
            .catch(() => null);
          if (next && next.credential.id !== selected.credential.id) {
            upstream.resume();
            record({
              selected,
              status,
              usage: ZERO_USAGE,
              streamed: facts.stream,
              durationMs: performance.now() - started,
            });
            selected = next;
            continue;
          }
        }
      }

      const used = selected;
      const gate = context.toolGate && status >= 200 && status < 300 ? context.toolGate : null;
      const scanner = gate
        ? new ToolCallScanner(provider, {
            contentType: upstream.headers['content-type'],
            maxBytes: MAX_HELD_BYTES,
          })
        : null;
      const observer = new ResponseObserver(
        provider,
        upstream,
        context.journalBodies,
        scanner ? (chunk) => scanner.push(chunk) : undefined,
      );
      const finish = (error: Error | undefined) =>
        observer
          .finish()
          .then(({ usage, body: responseBody }) => {
            record({
              selected: used,
              status,
              usage,
              streamed: observer.streamed || facts.stream,
              durationMs: performance.now() - started,
              ...(error ? { error: `stream ended early: ${error.message}` } : {}),
              responseBody,
            });
          })
          .finally(admitted.release);
      response.writeHead(status, clientResponseHeaders(upstream.headers));
      response.flushHeaders();
      if (gate && scanner) {
        relayHeld({
          upstream,
          response,
          observer,
          scanner,
          maxHeldBytes: MAX_HELD_BYTES,
          logger: crew.logger,
          onUpstreamDone: finish,
          check: (toolCalls) =>
            gate.check({
              workspaceId: crew.workspaceId,
              crewId: crew.crewId,
              agentId: agent.id,
              provider,
              toolCalls,
            }),
          onDenied: (toolCalls, reason) => journalToolDenial(context, crew, call, toolCalls, reason),
        });
        relayed = true;
        return;
      }
      pipeline(upstream, response, (error) => {
        finish(error ?? undefined).catch((failed: unknown) => {
          crew.logger.error('recording the call failed', { error: String(failed) });
        });
      });
      // Registered after the pipe: each chunk goes to the client first, usage parsing comes second (and
      // reads the joined chunks, one per tick, not every small event on its own).
      upstream.on('data', (chunk: Buffer) => observer.push(chunk));
      relayed = true;
      return;
    }
  } finally {
    if (!relayed) {
      admitted.release();
      inFlight?.destroy();
    }
  }
}

function sendUpstream(
  context: GatewayContext,
  provider: LlmProvider,
  pathAndQuery: string,
  request: IncomingMessage,
  body: Buffer,
  selected: SelectedCredential,
  onRequest: (handle: { destroy(): void }) => void,
): Promise<UpstreamResponse> {
  const base = context.upstreams[provider];
  const headers = upstreamRequestHeaders(request.headers);
  injectCredential(provider, headers, selected);
  const call = callUpstream(context.dispatcher, {
    origin: base.origin,
    path: `${base.pathname.replace(/\/+$/, '')}${pathAndQuery}`,
    method: request.method ?? 'GET',
    headers,
    body,
    idleTimeoutMs: context.upstreamIdleTimeoutMs,
  });
  onRequest(call);
  return call.response;
}

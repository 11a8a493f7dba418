import { isAbsolute } from 'node:path';
import {
  type CredentialVault,
  CrewshipError,
  type JournalWriter,
  type KeeperPort,
  LLM_PROVIDERS,
  type LlmCallGuard,
  type LlmProvider,
  type Logger,
  type MeteringSink,
  SIDECAR_USER,
  type ToolCallGate,
} from '@crewship/contracts';
import { z } from 'zod';
import { CrewServer } from './crew-server.js';
import type { GatewayContext, HostOverride } from './gateway-context.js';
import { createUpstreamDispatcher } from './upstream-client.js';

export interface LlmGatewayOptions {
  vault: Pick<CredentialVault, 'select' | 'reportFailure'>;
  /** Resolves an agent slug within a crew to its id, or null. */
  findAgent(crewId: string, agentSlug: string): Promise<{ id: string; slug: string } | null>;
  metering: MeteringSink;
  journal: JournalWriter;
  logger: Logger;
  /** Upstream base URLs per provider (a path prefix is kept); defaults are the providers' public APIs. */
  upstreams?: Partial<Record<LlmProvider, string>>;
  /** Host name → `ip`, `ip:port` or `[v6]:port` dialed instead of resolving it (trusted: no address checks). */
  resolveHosts?: Record<string, string>;
  /** Journal request and response bodies (first 64 KiB) of `llm.call`; default false. */
  journalBodies?: boolean;
  /** An upstream connection with no data for this long is dropped; default 10 minutes. */
  upstreamIdleTimeoutMs?: number;
  /** Admits each client request before its first upstream call (budgets); released once it is metered. */
  callGuard?: LlmCallGuard;
  /** Decides on the tool calls of each successful model response, which is held until it answers. */
  toolGate?: ToolCallGate;
  /** Serves `POST /keeper/request` and `/keeper/execute` on the crew sockets; without it they answer 503. */
  keeper?: KeeperPort;
}

/** The crew a socket serves and its egress rules. */
export interface GatewayCrew {
  crewId: string;
  workspaceId: string;
  /** `free` allows all egress; `restricted` and any unknown mode enforce the allowlist. */
  networkMode: string;
  allowedDomains: readonly string[];
}

export interface GatewaySocket {
  path: string;
  /** Owner of the socket file; default 1002:1002 (the sidecar). */
  uid?: number;
  gid?: number;
}

/** One crew's gateway socket. */
export interface CrewGateway {
  readonly token: string;
  readonly socketPath: string;
  /** Swaps the egress rules; requests and tunnels already open keep theirs. */
  update(crew: Pick<GatewayCrew, 'networkMode' | 'allowedDomains'>): void;
  /** Stops serving, drops open connections and tunnels, removes the socket file. */
  close(): Promise<void>;
}

/** The server side of all model and egress traffic of crew containers. */
export interface LlmGateway {
  /** Serves one crew on a Unix socket (mode 0600, owned by uid:gid), replacing a stale socket file. */
  serveCrew(crew: GatewayCrew, socket: GatewaySocket, token: string): Promise<CrewGateway>;
  /** The crew's gateway while it is served. */
  crew(crewId: string): CrewGateway | undefined;
  close(): Promise<void>;
}

const DEFAULT_UPSTREAMS: Record<LlmProvider, string> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com',
  google: 'https://generativelanguage.googleapis.com',
};
const [SIDECAR_UID, SIDECAR_GID] = SIDECAR_USER.split(':').map(Number) as [number, number];

const httpUrl = z
  .string()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    'must be an http(s) URL',
  );
const optionsSchema = z.object({
  upstreams: z.partialRecord(z.enum(LLM_PROVIDERS), httpUrl).default({}),
  resolveHosts: z.record(z.string().min(1), z.string().min(1)).default({}),
  journalBodies: z.boolean().default(false),
  upstreamIdleTimeoutMs: z.number().int().positive().default(600_000),
});
const crewSchema = z.object({
  crewId: z.string().min(1).max(128),
  workspaceId: z.string().min(1).max(128),
  networkMode: z.string().max(64),
  allowedDomains: z.array(z.string().max(260)).max(1000),
});
const updateSchema = crewSchema.pick({ networkMode: true, allowedDomains: true });
const socketSchema = z.object({
  path: z.string().refine(isAbsolute, 'must be an absolute path'),
  uid: z.number().int().nonnegative().default(SIDECAR_UID),
  gid: z.number().int().nonnegative().default(SIDECAR_GID),
});
const tokenSchema = z.string().min(16, 'must be at least 16 characters').max(1024);

function parseOverride(name: string, value: string): HostOverride {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match)
    throw new CrewshipError('invalid_input', `resolveHosts.${name} must be ip, ip:port or [v6]:port`);
  return { host: (match[1] ?? match[2])!, port: match[3] === undefined ? undefined : Number(match[3]) };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new CrewshipError('invalid_input', `invalid ${what}`, {
    details: {
      issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    },
  });
}

/** Creates the gateway; it serves nothing until `serveCrew`. */
export function createLlmGateway(options: LlmGatewayOptions): LlmGateway {
  const parsed = parse(optionsSchema, options, 'gateway options');
  const upstreams = Object.fromEntries(
    LLM_PROVIDERS.map((provider) => [
      provider,
      new URL(parsed.upstreams[provider] ?? DEFAULT_UPSTREAMS[provider]),
    ]),
  ) as Record<LlmProvider, URL>;
  const resolveHosts = new Map<string, HostOverride>();
  for (const [name, value] of Object.entries(parsed.resolveHosts)) {
    resolveHosts.set(name.toLowerCase().replace(/\.+$/, ''), parseOverride(name, value));
  }
  const context: GatewayContext = {
    vault: options.vault,
    findAgent: options.findAgent,
    metering: options.metering,
    journal: options.journal,
    logger: options.logger,
    upstreams,
    resolveHosts,
    journalBodies: parsed.journalBodies,
    upstreamIdleTimeoutMs: parsed.upstreamIdleTimeoutMs,
    dispatcher: createUpstreamDispatcher(),
    callGuard: options.callGuard,
    toolGate: options.toolGate,
    keeper: options.keeper,
  };
  const crews = new Map<string, CrewServer>();
  let closed = false;

  const handle = (server: CrewServer): CrewGateway => ({
    token: server.token,
    socketPath: server.socketPath,
    update(crew) {
      const next = parse(updateSchema, crew, 'crew network settings');
      server.update(next.networkMode, next.allowedDomains);
    },
    async close() {
      if (crews.get(server.crewId) === server) crews.delete(server.crewId);
      await server.close();
    },
  });

  return {
    async serveCrew(crew, socket, token) {
      if (closed) throw new CrewshipError('unavailable', 'the gateway is closed');
      const crewInput = parse(crewSchema, crew, 'crew');
      const socketInput = parse(socketSchema, socket, 'socket');
      const tokenInput = parse(tokenSchema, token, 'token');
      if (crews.has(crewInput.crewId)) {
        throw new CrewshipError('conflict', `crew ${crewInput.crewId} is already served`);
      }
      for (const other of crews.values()) {
        if (other.socketPath === socketInput.path) {
          throw new CrewshipError(
            'conflict',
            `socket ${socketInput.path} already serves crew ${other.crewId}`,
          );
        }
      }
      const server = new CrewServer(context, {
        ...crewInput,
        socketPath: socketInput.path,
        uid: socketInput.uid,
        gid: socketInput.gid,
        token: tokenInput,
      });
      crews.set(crewInput.crewId, server);
      try {
        await server.listen();
      } catch (error) {
        crews.delete(crewInput.crewId);
        throw error;
      }
      return handle(server);
    },
    crew(crewId) {
      const server = crews.get(crewId);
      return server ? handle(server) : undefined;
    },
    async close() {
      closed = true;
      const servers = [...crews.values()];
      crews.clear();
      await Promise.all(servers.map((server) => server.close()));
      await context.dispatcher.destroy();
    },
  };
}

import type { ServerResponse } from 'node:http';
import type {
  CredentialVault,
  JournalEntryInput,
  JournalWriter,
  KeeperPort,
  LlmCallGuard,
  LlmProvider,
  Logger,
  MeteringSink,
  ToolCallGate,
} from '@crewship/contracts';
import type { Dispatcher } from 'undici';
import type { EgressPolicy } from './egress-policy.js';

/** Where a host name is dialed instead of its DNS answer. */
export interface HostOverride {
  host: string;
  port: number | undefined;
}

/** What every crew server shares: ports, upstreams and connection pools. */
export interface GatewayContext {
  vault: Pick<CredentialVault, 'select' | 'reportFailure'>;
  findAgent(crewId: string, agentSlug: string): Promise<{ id: string; slug: string } | null>;
  metering: MeteringSink;
  journal: JournalWriter;
  logger: Logger;
  upstreams: Record<LlmProvider, URL>;
  resolveHosts: ReadonlyMap<string, HostOverride>;
  journalBodies: boolean;
  upstreamIdleTimeoutMs: number;
  /** Connection pools to the providers. */
  dispatcher: Dispatcher;
  callGuard: LlmCallGuard | undefined;
  toolGate: ToolCallGate | undefined;
  keeper: KeeperPort | undefined;
}

/** The crew a socket serves; `policy` is swapped by `update`. */
export interface CrewState {
  crewId: string;
  workspaceId: string;
  policy: EgressPolicy;
  logger: Logger;
}

/** Appends without letting a journal failure reach the request. */
export function appendJournal(context: GatewayContext, entry: JournalEntryInput): void {
  Promise.resolve()
    .then(() => context.journal.append(entry))
    .catch((error: unknown) => {
      context.logger.error('journal append failed', { entryType: entry.entryType, error: String(error) });
    });
}

export function sendJson(response: ServerResponse, status: number, body: string | object): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

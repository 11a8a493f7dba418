import type {
  Credential,
  CredentialProvider,
  CredentialType,
  CredentialVault,
  SelectedCredential,
} from '@crewship/contracts';

export interface MemoryCredential {
  id: string;
  workspaceId: string;
  provider: CredentialProvider;
  value: string;
  type?: CredentialType;
  priority?: number;
  /** Agents it is assigned to; empty means a workspace-wide unassigned credential. */
  agentIds?: string[];
}

export interface MemoryVault extends Pick<CredentialVault, 'select' | 'reportFailure'> {
  /** Every reportFailure call, in order. */
  readonly failures: { credentialId: string; status: number }[];
  /** Every select call that returned a credential, by credential id. */
  readonly selections: string[];
}

/** An in-memory vault with the port's selection rules (assigned first, cooldown, priority, round-robin). */
export function createMemoryVault(
  credentials: readonly MemoryCredential[],
  cooldownMs = 60_000,
): MemoryVault {
  const cooldownUntil = new Map<string, number>();
  const turns = new Map<string, number>();
  const failures: { credentialId: string; status: number }[] = [];
  const selections: string[] = [];
  const toCredential = (entry: MemoryCredential): Credential => {
    const at = new Date(0).toISOString();
    const until = cooldownUntil.get(entry.id);
    return {
      id: entry.id,
      workspace_id: entry.workspaceId,
      name: entry.id,
      type: entry.type ?? 'API_KEY',
      provider: entry.provider,
      priority: entry.priority ?? 0,
      last4: entry.value.slice(-4),
      agent_ids: entry.agentIds ?? [],
      cooldown_until: until === undefined ? null : new Date(until).toISOString(),
      created_at: at,
      updated_at: at,
      rotated_at: null,
    };
  };
  return {
    failures,
    selections,
    async select(workspaceId, agentId, provider): Promise<SelectedCredential | null> {
      const ofProvider = credentials.filter(
        (entry) => entry.workspaceId === workspaceId && entry.provider === provider,
      );
      const assigned = ofProvider.filter((entry) => entry.agentIds?.includes(agentId));
      const pool = assigned.length > 0 ? assigned : ofProvider.filter((entry) => !entry.agentIds?.length);
      const now = Date.now();
      const ready = pool.filter((entry) => (cooldownUntil.get(entry.id) ?? 0) <= now);
      if (ready.length === 0) return null;
      const top = Math.max(...ready.map((entry) => entry.priority ?? 0));
      const best = ready.filter((entry) => (entry.priority ?? 0) === top);
      const turnKey = `${workspaceId}/${agentId}/${provider}/${top}`;
      const turn = turns.get(turnKey) ?? 0;
      turns.set(turnKey, turn + 1);
      const chosen = best[turn % best.length]!;
      selections.push(chosen.id);
      return { credential: toCredential(chosen), value: chosen.value };
    },
    async reportFailure(credentialId, status) {
      failures.push({ credentialId, status });
      cooldownUntil.set(credentialId, Date.now() + cooldownMs);
    },
  };
}

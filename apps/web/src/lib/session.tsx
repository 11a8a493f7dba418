import { type Me, type Role, roleAtLeast } from '@crewship/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type Api, createApi } from './api';

const WORKSPACE_KEY = 'crewship.workspace';

export interface Session {
  me: Me;
  /** The workspace every page works in; switching it clears all cached data. */
  workspace: Me['workspaces'][number];
  api: Api;
  switchWorkspace(id: string): void;
  /** Reloads `me` (after creating or renaming a workspace, or logging out). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

function initialWorkspace(me: Me): Me['workspaces'][number] | undefined {
  const saved = window.localStorage.getItem(WORKSPACE_KEY);
  return me.workspaces.find((workspace) => workspace.id === saved) ?? me.workspaces[0];
}

export function SessionProvider(props: { me: Me; refresh: () => Promise<void>; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [workspaceId, setWorkspaceId] = useState(() => initialWorkspace(props.me)?.id);
  const workspace =
    props.me.workspaces.find((candidate) => candidate.id === workspaceId) ?? props.me.workspaces[0];
  const api = useMemo(() => createApi(workspace?.id), [workspace?.id]);
  const switchWorkspace = useCallback(
    (id: string) => {
      window.localStorage.setItem(WORKSPACE_KEY, id);
      queryClient.clear();
      setWorkspaceId(id);
    },
    [queryClient],
  );
  if (!workspace) return <>{props.children}</>;
  const session: Session = { me: props.me, workspace, api, switchWorkspace, refresh: props.refresh };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

/** The signed-in session; only rendered inside the app shell, after login. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The API client bound to the current workspace. */
export function useApi(): Api {
  return useSession().api;
}

/** True when the caller's role in the current workspace is `minimum` or stronger (the server checks again). */
export function useCan(minimum: Role): boolean {
  return roleAtLeast(useSession().workspace.role, minimum);
}

import { isCrewshipError } from '@crewship/contracts';
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from '@tanstack/react-query';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { AppShell } from './components/layout/app-shell';
import { Button } from './components/ui/button';
import { ErrorNotice, PageHeader, Spinner } from './components/ui/feedback';
import { ToastProvider } from './components/ui/toast';
import { createApi } from './lib/api';
import { RealtimeProvider } from './lib/realtime';
import { SessionProvider } from './lib/session';
import { ThemeProvider } from './lib/theme';
import { AgentDetailPage } from './pages/agents/agent-detail-page';
import { AgentsPage } from './pages/agents/agents-page';
import { BootstrapPage } from './pages/auth/bootstrap-page';
import { LoginPage } from './pages/auth/login-page';
import { ChatPage } from './pages/chat/chat-page';
import { CostPage } from './pages/cost/cost-page';
import { CredentialsPage } from './pages/credentials/credentials-page';
import { CrewDetailPage } from './pages/crews/crew-detail-page';
import { CrewsPage } from './pages/crews/crews-page';
import { InboxPage } from './pages/inbox/inbox-page';
import { JournalPage } from './pages/journal/journal-page';
import { MembersPage } from './pages/members/members-page';
import { RunDetailPage } from './pages/runs/run-detail-page';
import { RunsPage } from './pages/runs/runs-page';
import { SettingsPage } from './pages/settings/settings-page';

function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" description="There is nothing at this address." />
      <Button asChild variant="outline">
        <Link to="/crews">Go to crews</Link>
      </Button>
    </>
  );
}

function ConsoleRoutes() {
  return (
    <Routes>
      <Route path="/" element={<Navigate to="/crews" replace />} />
      <Route path="/crews" element={<CrewsPage />} />
      <Route path="/crews/:crew" element={<CrewDetailPage />} />
      <Route path="/agents" element={<AgentsPage />} />
      <Route path="/agents/:agent" element={<AgentDetailPage />} />
      <Route path="/chat" element={<ChatPage />} />
      <Route path="/chat/:agent" element={<ChatPage />} />
      <Route path="/runs" element={<RunsPage />} />
      <Route path="/runs/:run" element={<RunDetailPage />} />
      <Route path="/journal" element={<JournalPage />} />
      <Route path="/inbox" element={<InboxPage />} />
      <Route path="/credentials" element={<CredentialsPage />} />
      <Route path="/cost" element={<CostPage />} />
      <Route path="/members" element={<MembersPage />} />
      <Route path="/settings" element={<SettingsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

/** Bootstrap when no account exists, login without a session, else the console. */
function Gate() {
  const queryClient = useQueryClient();
  const session = useQuery({
    queryKey: ['session'],
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      const state = await createApi().auth.session();
      if (state.bootstrap_needed) return { state: 'bootstrap' as const };
      if (!state.me) return { state: 'login' as const };
      return { state: 'signed-in' as const, me: state.me };
    },
  });
  const refresh = async () => {
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
    await queryClient.invalidateQueries({ queryKey: ['session'] });
  };
  if (session.isPending) return <Spinner className="m-6" />;
  if (session.error) return <ErrorNotice className="m-6" error={session.error} />;
  const data = session.data;
  if (data.state === 'bootstrap') return <BootstrapPage onDone={refresh} />;
  if (data.state === 'login') return <LoginPage onDone={refresh} />;
  if (data.me.workspaces.length === 0) {
    return (
      <ErrorNotice
        className="m-6"
        error="You are not a member of any workspace yet; ask an Owner to add you."
      />
    );
  }
  const logout = async () => {
    await createApi()
      .auth.logout()
      .catch(() => {});
    await refresh();
  };
  return (
    <SessionProvider me={data.me} refresh={refresh}>
      <RealtimeProvider>
        <AppShell onLogout={logout}>
          <ConsoleRoutes />
        </AppShell>
      </RealtimeProvider>
    </SessionProvider>
  );
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: true,
      retry: (count, error) => count < 2 && !(isCrewshipError(error) && error.kind !== 'unavailable'),
    },
  },
});

export function App() {
  return (
    <ThemeProvider>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <BrowserRouter>
            <Gate />
          </BrowserRouter>
        </ToastProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}

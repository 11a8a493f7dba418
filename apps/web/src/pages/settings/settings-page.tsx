import { PageHeader } from '../../components/ui/feedback';
import { useCan } from '../../lib/session';
import { AgentToolsCard } from './agent-tools-card';
import { AppearanceCard } from './appearance-card';
import { ApprovalRulesCard } from './approval-rules-card';
import { KeeperRulesCard } from './keeper-rules-card';
import { ServerCard } from './server-card';
import { TokensCard } from './tokens-card';
import { WorkspaceCard } from './workspace-card';

/** Workspace, appearance, the caller's tokens, governance rules, agent tools and server status. */
export function SettingsPage() {
  const member = useCan('MEMBER');
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <WorkspaceCard />
          <div className="grid content-start gap-6">
            <AppearanceCard />
            <ServerCard />
          </div>
        </div>
        <TokensCard />
        <ApprovalRulesCard />
        {member ? <KeeperRulesCard /> : null}
        <AgentToolsCard />
      </div>
    </>
  );
}

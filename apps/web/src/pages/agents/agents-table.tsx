import type { Agent, Crew } from '@crewship/contracts';
import { Link } from 'react-router';
import { Button } from '../../components/ui/button';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import {
  AGENT_ROLE_LABELS,
  CLI_ADAPTER_LABELS,
  shortLabel,
  TOOL_PROFILE_LABELS,
} from '../../lib/agent-labels';

/**
 * Agents, each with a link to its page and a Chat button. `crewsById` makes it the workspace-wide list,
 * which also shows each agent's crew and tool profile.
 */
export function AgentsTable(props: { agents: Agent[]; caption: string; crewsById?: Map<string, Crew> }) {
  const { crewsById } = props;
  return (
    <Table>
      <caption className="sr-only">{props.caption}</caption>
      <THead>
        <tr>
          <Th>Agent</Th>
          {crewsById ? <Th>Crew</Th> : null}
          <Th>CLI adapter</Th>
          <Th>Model</Th>
          <Th>Role</Th>
          {crewsById ? <Th>Tool profile</Th> : null}
          <Th className="relative">
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </THead>
      <TBody>
        {props.agents.map((agent) => (
          <Tr key={agent.id}>
            <Td>
              <Link to={`/agents/${agent.slug}`} className="font-medium text-primary hover:underline">
                {agent.name}
              </Link>
              <div className="font-mono text-xs text-muted-foreground">{agent.slug}</div>
            </Td>
            {crewsById ? (
              <Td>
                <Link to={`/crews/${agent.crew_slug}`} className="hover:underline">
                  {crewsById.get(agent.crew_id)?.name ?? agent.crew_slug}
                </Link>
              </Td>
            ) : null}
            <Td className="whitespace-nowrap">{CLI_ADAPTER_LABELS[agent.cli_adapter]}</Td>
            <Td className="font-mono text-xs">{agent.model ?? 'default'}</Td>
            <Td>{AGENT_ROLE_LABELS[agent.role]}</Td>
            {crewsById ? <Td>{shortLabel(TOOL_PROFILE_LABELS[agent.tool_profile])}</Td> : null}
            <Td className="text-right">
              <Button asChild variant="outline" size="sm">
                <Link to={`/chat/${agent.slug}`} aria-label={`Chat with ${agent.name}`}>
                  Chat
                </Link>
              </Button>
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

import {
  AGENT_ROLES,
  type Agent,
  type AgentRole,
  CLI_ADAPTERS,
  type CliAdapter,
  type Crew,
  slugify,
  TOOL_PROFILES,
  type ToolProfile,
} from '@crewship/contracts';
import { Field } from '../../components/ui/field';
import { Input, Select, Textarea } from '../../components/ui/input';
import { AGENT_ROLE_LABELS, CLI_ADAPTER_LABELS, TOOL_PROFILE_LABELS } from '../../lib/agent-labels';

export interface AgentForm {
  /** The crew's slug. */
  crew: string;
  name: string;
  slug: string;
  cli_adapter: CliAdapter;
  model: string;
  persona: string;
  role: AgentRole;
  tool_profile: ToolProfile;
}

export function emptyAgentForm(crew = ''): AgentForm {
  return {
    crew,
    name: '',
    slug: '',
    cli_adapter: 'CLAUDE_CODE',
    model: '',
    persona: '',
    role: 'MEMBER',
    tool_profile: 'CODING',
  };
}

export function agentFormOf(agent: Agent): AgentForm {
  return {
    crew: agent.crew_slug,
    name: agent.name,
    slug: agent.slug,
    cli_adapter: agent.cli_adapter,
    model: agent.model ?? '',
    persona: agent.persona,
    role: agent.role,
    tool_profile: agent.tool_profile,
  };
}

/** The form as the API's fields: trimmed, an empty model meaning the CLI's default, no empty slug. */
export function agentRequest(form: AgentForm) {
  return {
    crew: form.crew,
    name: form.name.trim(),
    ...(form.slug.trim() ? { slug: form.slug.trim() } : {}),
    cli_adapter: form.cli_adapter,
    model: form.model.trim() === '' ? null : form.model.trim(),
    persona: form.persona,
    role: form.role,
    tool_profile: form.tool_profile,
  };
}

/** Every field of an agent: shared by the create dialog and the agent's page. */
export function AgentFields(props: {
  value: AgentForm;
  onChange: (value: AgentForm) => void;
  crews: Crew[];
  errors: Record<string, string | undefined>;
}) {
  const set = (key: keyof AgentForm) => (event: { target: { value: string } }) =>
    props.onChange({ ...props.value, [key]: event.target.value });
  const slugDefault = slugify(props.value.name || 'agent');
  return (
    <>
      <Field label="Crew" error={props.errors.crew}>
        <Select required value={props.value.crew} onChange={set('crew')}>
          <option value="" disabled>
            Choose a crew
          </option>
          {props.crews.map((crew) => (
            <option key={crew.id} value={crew.slug}>
              {crew.name}
            </option>
          ))}
        </Select>
      </Field>
      <div className="grid grid-cols-1 items-start gap-4 sm:grid-cols-2">
        <Field label="Name" error={props.errors.name}>
          <Input required maxLength={100} value={props.value.name} onChange={set('name')} />
        </Field>
        <Field
          label="Slug"
          hint={`Optional; default ${slugDefault}. Chat links use it.`}
          error={props.errors.slug}
        >
          <Input
            maxLength={48}
            autoCapitalize="none"
            spellCheck={false}
            placeholder={slugDefault}
            value={props.value.slug}
            onChange={set('slug')}
          />
        </Field>
      </div>
      <div className="grid grid-cols-1 items-start gap-4 sm:grid-cols-2">
        <Field label="CLI adapter" error={props.errors.cli_adapter}>
          <Select value={props.value.cli_adapter} onChange={set('cli_adapter')}>
            {CLI_ADAPTERS.map((adapter) => (
              <option key={adapter} value={adapter}>
                {CLI_ADAPTER_LABELS[adapter]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Model" hint="Optional; empty uses the CLI's default." error={props.errors.model}>
          <Input
            maxLength={200}
            autoCapitalize="none"
            spellCheck={false}
            placeholder="CLI default"
            value={props.value.model}
            onChange={set('model')}
          />
        </Field>
      </div>
      <div className="grid grid-cols-1 items-start gap-4 sm:grid-cols-2">
        <Field label="Role" hint="The crew's lead coordinates its members." error={props.errors.role}>
          <Select value={props.value.role} onChange={set('role')}>
            {AGENT_ROLES.map((role) => (
              <option key={role} value={role}>
                {AGENT_ROLE_LABELS[role]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Tool profile" error={props.errors.tool_profile}>
          <Select value={props.value.tool_profile} onChange={set('tool_profile')}>
            {TOOL_PROFILES.map((profile) => (
              <option key={profile} value={profile}>
                {TOOL_PROFILE_LABELS[profile]}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Field
        label="Persona"
        hint="Who the agent is and how it works; added to its system prompt."
        error={props.errors.persona}
      >
        <Textarea rows={4} value={props.value.persona} onChange={set('persona')} />
      </Field>
    </>
  );
}

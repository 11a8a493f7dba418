export {
  type AssembledSystemPrompt,
  assembleSystemPrompt,
  type CrewshipEthos,
  DEFAULT_ETHOS,
  type SystemPromptBudgets,
  type SystemPromptInput,
  type SystemPromptSkill,
  systemPromptBudgets,
} from './assemble-system-prompt.js';
export { createOrchestrator, type OrchestratorOptions } from './create-orchestrator.js';

export {
  createKeeper,
  KEEPER_DEFAULT_TIMEOUT_SECONDS,
  KEEPER_OUTPUT_MAX_BYTES,
  type Keeper,
  type KeeperOptions,
  type KeeperRulesDocument,
  type KeeperStatus,
} from './create-keeper.js';
export { credentialEnvName } from './credential-env-name.js';
export { JUDGE_SYSTEM_PROMPT, type KeeperJudgeConfig } from './keeper-judge.js';
export {
  DEFAULT_CREDENTIAL_LEVEL,
  KEEPER_RULE_ACTIONS,
  KEEPER_RULE_KINDS,
  type KeeperCredentialLevel,
  type KeeperRule,
  type KeeperRuleAction,
  type KeeperRuleKind,
  type KeeperRuleSet,
  parseKeeperRules,
} from './keeper-rules.js';
export { l1Intent } from './l1-intent.js';

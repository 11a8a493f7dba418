export { type Approvals, type ApprovalsOptions, createApprovals } from './create-approvals.js';
export { DEFAULT_APPROVAL_RULES } from './default-approval-rules.js';
export { hostsIn } from './hosts-in.js';
export { matchRule } from './match-rule.js';

export {
  type CrewGateway,
  createLlmGateway,
  type GatewayCrew,
  type GatewaySocket,
  type LlmGateway,
  type LlmGatewayOptions,
} from './create-llm-gateway.js';
export { EgressPolicy, normalizeHost } from './egress-policy.js';
export { credentialProviderFor } from './provider-wire.js';
export { type SseEvent, SseParser } from './sse-parser.js';
export { UsageTracker } from './usage-tracker.js';

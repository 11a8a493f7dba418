export {
  createRealtimeHub,
  type HubEvent,
  type HubListener,
  type HubSubscription,
  type RealtimeHub,
  type RealtimeHubOptions,
} from './realtime-hub.js';
export { createWsTokens, type WsTokens, type WsTokensOptions } from './ws-tokens.js';

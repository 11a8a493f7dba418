export { forwardableHeaders } from './forwardable-headers.js';
export {
  HEALTH_PATH,
  KEEPER_PATHS,
  type KeeperAction,
  type RequestTarget,
  resolveRequestTarget,
} from './request-target.js';
export {
  createSidecarProxy,
  type SidecarAddress,
  type SidecarProxy,
  type SidecarProxyOptions,
} from './sidecar-proxy.js';

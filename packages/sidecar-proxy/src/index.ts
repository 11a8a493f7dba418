export { forwardableHeaders } from './forwardable-headers.js';
export { HEALTH_PATH, type RequestTarget, resolveRequestTarget } from './request-target.js';
export {
  createSidecarProxy,
  type SidecarAddress,
  type SidecarProxy,
  type SidecarProxyOptions,
} from './sidecar-proxy.js';

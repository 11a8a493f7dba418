export { crewConfigHash, crewContainerName } from './config-hash.js';
export {
  DEFAULT_DOCKER_TIMEOUT_MS,
  type DetectDockerEngineOptions,
  type DockerEngine,
  type DockerSocketCandidatesOptions,
  detectDockerEngine,
  dockerSocketCandidates,
} from './detect-docker-engine.js';
export { CREW_NETWORK, crewHomeVolumeName } from './docker/crew-container-config.js';
export {
  createDockerContainerRuntime,
  DEFAULT_IDLE_TTL_MS,
  type DockerContainerRuntime,
  type DockerContainerRuntimeOptions,
} from './docker/docker-container-runtime.js';
export { createExecHandle } from './exec-handle.js';
export {
  AGENT_UID,
  agentExecUser,
  agentGroupId,
  type CrewHostPaths,
  crewHostPaths,
  SIDECAR_UID,
} from './host-layout.js';
export { imageExists } from './image-exists.js';
export { createLineSplitter, MAX_LINE_BYTES } from './line-splitter.js';

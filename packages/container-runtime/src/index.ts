export {
  DEFAULT_DOCKER_TIMEOUT_MS,
  type DetectDockerEngineOptions,
  type DockerEngine,
  type DockerSocketCandidatesOptions,
  detectDockerEngine,
  dockerSocketCandidates,
} from './detect-docker-engine.js';
export { imageExists } from './image-exists.js';

import { AGENT_USER, type CrewContainerSpec, CrewshipError, GATEWAY_SOCKET_DIR } from '@crewship/contracts';
import type Docker from 'dockerode';
import { crewContainerName } from '../config-hash.js';
import type { CrewHostPaths } from '../host-layout.js';

export const LABEL_MANAGED = 'crewship.managed';
export const LABEL_CREW_ID = 'crewship.crew-id';
export const LABEL_WORKSPACE_ID = 'crewship.workspace-id';
export const LABEL_CONFIG_HASH = 'crewship.config-hash';
/** The data dir of the server that created the container: `reconcile` only touches its own. */
export const LABEL_DATA_DIR = 'crewship.data-dir';

/** The user-defined bridge network of crews in `free` network mode. */
export const CREW_NETWORK = 'crewship-agents';
export const TOOLS_MOUNT = '/opt/crewship';
export const HOME_MOUNT = '/home/agent';
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

/** The named volume behind `/home/agent`; it outlives the container (kept on `remove`). */
export function crewHomeVolumeName(crewId: string): string {
  return `crewship-home-${crewId}`;
}

/** Ids and slugs end up in container, volume and host path names: no separators, no `..`. */
export function assertSafeSpec(spec: CrewContainerSpec): void {
  const names = [spec.crewId, spec.slug, ...spec.agents];
  const bad = names.find((name) => !NAME_PATTERN.test(name) || name.includes('..'));
  if (bad !== undefined) {
    throw new CrewshipError('invalid_input', `"${bad}" cannot name a container, volume or directory`);
  }
  if (!(spec.memoryMb > 0) || !(spec.cpus > 0)) {
    throw new CrewshipError('invalid_input', `crew ${spec.slug} needs a positive memoryMb and cpus`);
  }
}

export interface CrewContainerConfigInput {
  spec: CrewContainerSpec;
  configHash: string;
  paths: CrewHostPaths;
  dataDir: string;
  toolsDir: string | undefined;
  /** `Config.Env` of the image, to keep its PATH. */
  imageEnv: readonly string[];
}

/** Docker's `network` for a crew: `restricted`, and anything unknown, gets none at all. */
export function crewNetworkMode(spec: Pick<CrewContainerSpec, 'networkMode'>): string {
  return spec.networkMode === 'free' ? CREW_NETWORK : 'none';
}

/** The create options of a crew container: the security profile, mounts and labels in one place. */
export function crewContainerConfig(input: CrewContainerConfigInput): Docker.ContainerCreateOptions {
  const { spec, paths, toolsDir } = input;
  const imagePath = input.imageEnv.find((entry) => entry.startsWith('PATH='))?.slice('PATH='.length);
  const path = [
    ...(toolsDir === undefined ? [] : [`${TOOLS_MOUNT}/bin`, `${TOOLS_MOUNT}/node/bin`]),
    imagePath || DEFAULT_PATH,
  ].join(':');
  const mounts: Docker.MountSettings[] = [
    ...spec.agents.flatMap((slug): Docker.MountSettings[] => [
      { Type: 'bind', Source: paths.agent(slug), Target: `/crew/agents/${slug}` },
      { Type: 'bind', Source: paths.agentOutput(slug), Target: `/output/${slug}` },
      { Type: 'bind', Source: paths.agentSecrets(slug), Target: `/secrets/${slug}`, ReadOnly: true },
    ]),
    { Type: 'bind', Source: paths.shared, Target: '/crew/shared' },
    { Type: 'bind', Source: paths.workspace, Target: '/workspace' },
    { Type: 'volume', Source: crewHomeVolumeName(spec.crewId), Target: HOME_MOUNT },
    { Type: 'bind', Source: paths.gateway, Target: GATEWAY_SOCKET_DIR },
    ...(toolsDir === undefined
      ? []
      : [{ Type: 'bind', Source: toolsDir, Target: TOOLS_MOUNT, ReadOnly: true } as const]),
  ];
  const memoryBytes = Math.round(spec.memoryMb * 1024 * 1024);
  return {
    name: crewContainerName(spec.slug),
    Image: spec.image,
    Entrypoint: [],
    Cmd: ['sleep', 'infinity'],
    User: AGENT_USER,
    WorkingDir: '/workspace',
    Env: [`HOME=${HOME_MOUNT}`, `PATH=${path}`],
    Labels: {
      [LABEL_MANAGED]: 'true',
      [LABEL_CREW_ID]: spec.crewId,
      [LABEL_WORKSPACE_ID]: spec.workspaceId,
      [LABEL_CONFIG_HASH]: input.configHash,
      [LABEL_DATA_DIR]: input.dataDir,
    },
    HostConfig: {
      NetworkMode: crewNetworkMode(spec),
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=500m' },
      PidsLimit: 200,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(spec.cpus * 1e9),
      Init: true,
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      Mounts: mounts,
    },
  };
}

import { randomBytes } from 'node:crypto';
import { crewHostPaths, SIDECAR_UID } from '@crewship/container-runtime';
import {
  type ContainerRuntime,
  type Crew,
  type CrewContainer,
  GATEWAY_SOCKET_DIR,
  GATEWAY_SOCKET_PATH,
  type Logger,
  SIDECAR_BUNDLE_PATH,
  SIDECAR_HOST,
  SIDECAR_PORT,
  SIDECAR_USER,
  type SidecarStartConfig,
} from '@crewship/contracts';
import type { CrewGateway, LlmGateway } from '@crewship/llm-gateway';

const NODE = '/opt/crewship/node/bin/node';
const PID_FILE = `${GATEWAY_SOCKET_DIR}/sidecar.pid`;
/** Starts the sidecar with its pid on record, so a later server can stop a sidecar it did not start. */
const START_SIDECAR = `echo $$ > ${PID_FILE}; exec ${NODE} ${SIDECAR_BUNDLE_PATH}`;
const STOP_OLD_SIDECAR = `p=$(cat ${PID_FILE} 2>/dev/null) && kill "$p" 2>/dev/null; rm -f ${PID_FILE}; true`;
const HEALTH_PROBE = `require('http').get('http://${SIDECAR_HOST}:${SIDECAR_PORT}/health', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))`;
const HEALTH_WAIT_MS = 10_000;
const RESTART_DELAYS_MS = [250, 500, 1000, 2000, 5000, 10_000, 30_000];
/** A sidecar that ran this long before dying restarts at the shortest delay again. */
const STABLE_AFTER_MS = 60_000;
/**
 * How long a /health answer vouches for a sidecar whose process has not exited since: `attach` (before every
 * run) skips its probe, a `docker exec` of about 100 ms, within this time.
 */
const CONFIRMED_FOR_MS = 5 * 60_000;

export interface SealedPathOptions {
  gateway: LlmGateway;
  runtime: ContainerRuntime;
  dataDir: string;
  logger: Logger;
  /** Milliseconds since the epoch (tests move time). */
  now?: () => number;
}

/** Wires each running crew container to the gateway: its socket served, its sidecar kept running. */
export interface SealedPath {
  /** Idempotent: cheap when the crew's socket is served and its sidecar runs in this container. */
  attach(crew: Crew, container: CrewContainer): Promise<void>;
  /** Network mode or allowlist changed. */
  update(crew: Crew): void;
  detach(crewId: string): Promise<void>;
  close(): Promise<void>;
}

interface Supervisor {
  /** Settles when the first start answered /health (or failed to). */
  ready: Promise<void>;
  /** True once supervision ended: stopped, or its container stopped or was replaced. */
  readonly ended: boolean;
  /**
   * The sidecar process still runs (its exec has not ended) and answered /health within CONFIRMED_FOR_MS.
   * A container that stops or restarts ends the exec, so this never vouches for a sidecar that went with it.
   */
  readonly confirmed: boolean;
  /** Asks /health now; a good answer confirms the running sidecar. */
  probe(): Promise<boolean>;
  stop(): void;
}

interface Attachment {
  gateway: CrewGateway;
  containerId: string | null;
  sidecar: Supervisor | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function createSealedPath(options: SealedPathOptions): SealedPath {
  const { gateway, runtime, logger } = options;
  const now = options.now ?? Date.now;
  const attachments = new Map<string, Attachment>();
  const pending = new Map<string, Promise<void>>();
  let closed = false;

  /** A short command as the sidecar user whose output is not needed: its exit code. */
  async function run(container: CrewContainer, cmd: string[], timeoutMs: number) {
    const handle = runtime.exec(container, { cmd, user: SIDECAR_USER, timeoutMs });
    for await (const _ of handle) {
      // output is not needed
    }
    return (await handle.result).exitCode;
  }

  const healthy = async (container: CrewContainer) =>
    (await run(container, [NODE, '-e', HEALTH_PROBE], 3000)) === 0;

  async function waitHealthy(probe: () => Promise<boolean>, dead: () => boolean): Promise<void> {
    const deadline = Date.now() + HEALTH_WAIT_MS;
    while (Date.now() < deadline && !dead()) {
      if (await probe()) return;
      await sleep(100);
    }
    throw new Error(
      dead()
        ? 'the sidecar exited during start'
        : `the sidecar did not answer /health within ${HEALTH_WAIT_MS} ms`,
    );
  }

  function superviseSidecar(crew: Crew, container: CrewContainer, token: string): Supervisor {
    const log = logger.child({ crewId: crew.id, component: 'sidecar' });
    let stopped = false;
    let ended = false;
    let current: AbortController | undefined;
    let exits = 0;
    /** Counts starts; `running` is true while the exec of start number `generation` has not ended. */
    let generation = 0;
    let running = false;
    let confirmed = { generation: -1, at: 0 };
    const config: SidecarStartConfig = {
      socketPath: GATEWAY_SOCKET_PATH,
      token,
      host: SIDECAR_HOST,
      port: SIDECAR_PORT,
    };

    const startOnce = () => {
      current = new AbortController();
      const began = Date.now();
      generation += 1;
      running = true;
      const handle = runtime.exec(container, {
        cmd: ['sh', '-c', START_SIDECAR],
        user: SIDECAR_USER,
        env: { HOME: '/tmp' },
        stdin: `${JSON.stringify(config)}\n`,
        signal: current.signal,
      });
      // Never rejects: a failed exec (the container stopped under it) is an exit like any other.
      return (async () => {
        try {
          try {
            for await (const line of handle)
              log.debug('sidecar output', { stream: line.stream, line: line.line });
          } finally {
            // The output ends with the process, before its exit code is known.
            running = false;
          }
          const result = await handle.result;
          return { exitCode: result.exitCode, ranMs: Date.now() - began };
        } catch (error) {
          log.debug('sidecar exec failed', { reason: (error as Error).message });
          return { exitCode: -1, ranMs: Date.now() - began };
        }
      })();
    };

    const probe = async () => {
      const probed = generation;
      const answered = await healthy(container);
      // Only the start that was running during the probe is vouched for.
      if (answered && running && probed === generation) confirmed = { generation: probed, at: now() };
      return answered;
    };

    const loop = async (first: ReturnType<typeof startOnce>) => {
      let ending = first;
      while (true) {
        const outcome = await ending;
        if (stopped || closed) return;
        const status = await runtime.status(crew.id).catch(() => null);
        if (status?.state !== 'running' || status.container?.id !== container.id) {
          log.info('sidecar ended with its container');
          return;
        }
        exits = outcome.ranMs > STABLE_AFTER_MS ? 0 : exits + 1;
        const delay = RESTART_DELAYS_MS[Math.min(exits, RESTART_DELAYS_MS.length - 1)] ?? 30_000;
        log.warn('sidecar exited; restarting', { exitCode: outcome.exitCode, restartInMs: delay });
        await sleep(delay);
        if (stopped || closed) return;
        ending = startOnce();
      }
    };

    const ready = (async () => {
      await run(container, ['sh', '-c', STOP_OLD_SIDECAR], 10_000);
      let firstExited = false;
      const first = startOnce();
      void first.then(() => {
        firstExited = true;
      });
      await waitHealthy(probe, () => firstExited);
      loop(first)
        .catch((error: unknown) => log.error('sidecar supervisor failed', { reason: String(error) }))
        .finally(() => {
          ended = true;
        });
      log.info('sidecar running', { container: container.name });
    })();
    // Awaited by `attach`; a sidecar replaced before it became ready must not leave an unhandled rejection.
    ready.catch(() => {});
    return {
      ready,
      get ended() {
        return stopped || ended;
      },
      get confirmed() {
        return (
          !stopped &&
          running &&
          confirmed.generation === generation &&
          now() - confirmed.at < CONFIRMED_FOR_MS
        );
      },
      probe,
      stop() {
        stopped = true;
        current?.abort();
      },
    };
  }

  async function attachNow(crew: Crew, container: CrewContainer): Promise<void> {
    let attachment = attachments.get(crew.id);
    if (!attachment) {
      const paths = crewHostPaths(options.dataDir, crew.id);
      const crewGateway = await gateway.serveCrew(
        {
          crewId: crew.id,
          workspaceId: crew.workspace_id,
          networkMode: crew.network_mode,
          allowedDomains: crew.allowed_domains,
        },
        { path: paths.gatewaySocket, uid: SIDECAR_UID, gid: SIDECAR_UID },
        randomBytes(32).toString('base64url'),
      );
      attachment = { gateway: crewGateway, containerId: null, sidecar: null };
      attachments.set(crew.id, attachment);
    }
    if (attachment.containerId === container.id && attachment.sidecar && !attachment.sidecar.ended) {
      await attachment.sidecar.ready;
      if (attachment.sidecar.confirmed) return;
      // The sidecar may be waiting out a restart delay, or may not have answered for a while: one probe
      // decides, and a fresh supervisor takes over.
      if (await attachment.sidecar.probe()) return;
      logger.warn('the sidecar does not answer; starting it again', { crewId: crew.id });
    }
    attachment.sidecar?.stop();
    const sidecar = superviseSidecar(crew, container, attachment.gateway.token);
    attachment.sidecar = sidecar;
    attachment.containerId = container.id;
    try {
      await sidecar.ready;
    } catch (error) {
      sidecar.stop();
      attachment.sidecar = null;
      attachment.containerId = null;
      throw error;
    }
  }

  return {
    attach(crew, container) {
      const inFlight = pending.get(crew.id);
      if (inFlight) return inFlight;
      const attaching = attachNow(crew, container).finally(() => pending.delete(crew.id));
      pending.set(crew.id, attaching);
      return attaching;
    },

    update(crew) {
      attachments
        .get(crew.id)
        ?.gateway.update({ networkMode: crew.network_mode, allowedDomains: crew.allowed_domains });
    },

    async detach(crewId) {
      const attachment = attachments.get(crewId);
      if (!attachment) return;
      attachments.delete(crewId);
      attachment.sidecar?.stop();
      await attachment.gateway.close();
    },

    async close() {
      closed = true;
      for (const attachment of attachments.values()) attachment.sidecar?.stop();
      attachments.clear();
      await gateway.close();
    },
  };
}

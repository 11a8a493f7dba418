import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type AgentEvent,
  type AgentInvocation,
  type AgentStreamParser,
  SIDECAR_URL,
} from '@crewship/contracts';

/** A temp dir standing in for the crew container's mounts (agent dir, workspace, shared, output). */
export interface HostSandbox {
  root: string;
  home: string;
  /** The host path of a container path (`/workspace/x` → `<root>/workspace/x`). */
  hostPath(containerPath: string): string;
  cleanup(): Promise<void>;
}

const CONTAINER_ROOTS = ['/crew/agents', '/crew/shared', '/workspace', '/output'] as const;

export async function createHostSandbox(agentSlug: string): Promise<HostSandbox> {
  const root = await mkdtemp(join(tmpdir(), 'crewship-agent-clis-'));
  const home = join(root, 'home');
  const hostPath = (containerPath: string) => join(root, containerPath);
  await mkdir(home, { recursive: true });
  for (const path of [`/crew/agents/${agentSlug}`, '/crew/shared', '/workspace', `/output/${agentSlug}`]) {
    await mkdir(hostPath(path), { recursive: true });
  }
  return { root, home, hostPath, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * The invocation as it runs on this host: container paths moved into the sandbox and the sidecar's
 * routes pointed at a fake provider (which serves every API at its root).
 */
export function invocationOnHost(
  invocation: AgentInvocation,
  sandbox: HostSandbox,
  providerUrl: string,
): AgentInvocation {
  const rewrite = (value: string) => {
    let result = value
      .replaceAll(`${SIDECAR_URL}/openai`, providerUrl)
      .replaceAll(`${SIDECAR_URL}/gemini`, providerUrl)
      .replaceAll(SIDECAR_URL, providerUrl);
    for (const prefix of CONTAINER_ROOTS) result = result.replaceAll(prefix, sandbox.hostPath(prefix));
    return result;
  };
  return {
    cmd: invocation.cmd.map(rewrite),
    ...(invocation.stdin === undefined ? {} : { stdin: invocation.stdin }),
    env: Object.fromEntries(Object.entries(invocation.env).map(([name, value]) => [name, rewrite(value)])),
    files: invocation.files.map((file) => ({ path: rewrite(file.path), content: rewrite(file.content) })),
    cwd: rewrite(invocation.cwd),
  };
}

export async function writeInvocationFiles(invocation: AgentInvocation): Promise<void> {
  for (const file of invocation.files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content);
  }
}

/** A dir of `sh` wrappers so that bare binary names resolve to the given executables. */
export async function createBinDir(binaries: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'crewship-agent-clis-bin-'));
  for (const [name, path] of Object.entries(binaries)) {
    const wrapper = join(directory, name);
    await writeFile(wrapper, `#!/bin/sh\nexec '${path.replaceAll("'", "'\\''")}' "$@"\n`);
    await chmod(wrapper, 0o755);
  }
  return directory;
}

export interface HostRun {
  events: AgentEvent[];
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs the invocation like the runtime would: stdin written then closed, lines fed to the parser. */
export function runOnHost(
  invocation: AgentInvocation,
  options: {
    parser: AgentStreamParser;
    pathDirs: readonly string[];
    home: string;
    timeoutMs: number;
    extraEnv?: Record<string, string>;
  },
): Promise<HostRun> {
  const [command, ...args] = invocation.cmd;
  if (!command) throw new Error('empty command');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: invocation.cwd,
      env: {
        PATH: [...options.pathDirs, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        LANG: 'C.UTF-8',
        HOME: options.home,
        ...invocation.env,
        ...options.extraEnv,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const events: AgentEvent[] = [];
    let stdout = '';
    let stderr = '';
    const stdoutLines = createInterface({ input: child.stdout });
    stdoutLines.on('line', (line) => {
      stdout += `${line}\n`;
      events.push(...options.parser.push(line, 'stdout'));
    });
    const stderrLines = createInterface({ input: child.stderr });
    stderrLines.on('line', (line) => {
      stderr += `${line}\n`;
      events.push(...options.parser.push(line, 'stderr'));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(invocation.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    let exitCode = -1;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : -1);
    });
    // `close` comes after both output streams ended, so every line has been parsed.
    child.on('close', () => {
      clearTimeout(timer);
      events.push(...options.parser.end({ exitCode, durationMs: Date.now() - started }));
      resolve({ events, stdout, stderr, exitCode });
    });
  });
}

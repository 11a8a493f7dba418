import { chownSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrewContainer } from '@crewship/contracts';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCrewHostDirs } from '../src/docker/prepare-crew-host-dirs.js';
import {
  crewSpec,
  dockerClient,
  hostOptions,
  removeCrews,
  run,
  skipWithoutEngine,
  temporaryDataDir,
  temporaryToolsDir,
} from '../src/docker/test-support/docker-test-support.js';
import {
  AGENT_UID,
  agentExecUser,
  agentGroupId,
  CREW_NETWORK,
  createDockerContainerRuntime,
  crewHomeVolumeName,
  crewHostPaths,
  type DockerContainerRuntime,
} from '../src/index.js';

const MiB = 1024 * 1024;

describe.skipIf(skipWithoutEngine)('Docker crew containers: security profile and hostile agents', () => {
  const spec = crewSpec('sec', { memoryMb: 256, cpus: 0.5, agents: ['a', 'b'] });
  const freeSpec = crewSpec('free', { networkMode: 'free' });
  const dataDir = temporaryDataDir();
  const tools = temporaryToolsDir();
  const asA = agentExecUser(spec, 'a');
  const asB = agentExecUser(spec, 'b');
  let docker: Docker;
  let runtime: DockerContainerRuntime;
  let container: CrewContainer;
  let freeContainer: CrewContainer;
  let networkExisted = false;

  const sh = (script: string, user = asA, timeoutMs = 20_000) =>
    run(runtime.exec(container, { cmd: ['sh', '-c', script], user, timeoutMs }));
  const bash = (script: string, user = asA) =>
    run(runtime.exec(container, { cmd: ['bash', '-c', script], user, timeoutMs: 20_000 }));
  const inspect = () => docker.getContainer(container.id).inspect();

  /** The container survived: still running, never restarted, and an exec still answers. */
  async function expectHealthy() {
    let answer = await sh('echo alive');
    for (let attempt = 0; attempt < 20 && answer.exitCode !== 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await sh('echo alive');
    }
    expect(answer).toMatchObject({ exitCode: 0, stdout: ['alive'] });
    const state = (await inspect()).State;
    expect(state.Running).toBe(true);
    expect((await inspect()).RestartCount).toBe(0);
    expect(state.StartedAt).toBe(startedAt);
  }
  let startedAt: string;

  beforeAll(async () => {
    docker = dockerClient();
    networkExisted = await docker
      .getNetwork(CREW_NETWORK)
      .inspect()
      .then(() => true)
      .catch(() => false);
    runtime = await createDockerContainerRuntime({
      ...hostOptions,
      dataDir: dataDir.path,
      toolsDir: tools.path,
    });
    [container, freeContainer] = await Promise.all([
      runtime.ensureCrewContainer(spec),
      runtime.ensureCrewContainer(freeSpec),
    ]);
    startedAt = (await inspect()).State.StartedAt;
  });

  afterAll(async () => {
    await runtime?.close();
    if (docker) {
      await removeCrews(docker, [spec.crewId, freeSpec.crewId]);
      if (!networkExisted)
        await docker
          .getNetwork(CREW_NETWORK)
          .remove()
          .catch(() => {});
    }
    dataDir.remove();
    tools.remove();
  });

  describe('docker inspect', () => {
    it('applies every item of the security profile', async () => {
      const details = await inspect();
      const host = details.HostConfig;
      expect(details.Config.User).toBe('1001:1001');
      expect(host.CapDrop).toEqual(['ALL']);
      expect(host.CapAdd ?? []).toEqual([]);
      expect(host.Privileged).toBe(false);
      expect(host.SecurityOpt).toEqual(['no-new-privileges']);
      expect(host.ReadonlyRootfs).toBe(true);
      expect(host.Tmpfs).toEqual({ '/tmp': 'rw,nosuid,nodev,size=500m' });
      expect(host.PidsLimit).toBe(200);
      expect(host.Memory).toBe(256 * MiB);
      expect(host.MemorySwap).toBe(256 * MiB);
      expect(host.NanoCpus).toBe(500_000_000);
      expect(host.Init).toBe(true);
      expect(host.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
      expect(details.Config.Entrypoint ?? []).toEqual([]);
      expect(details.Path).toBe('sleep');
      expect(details.Args).toEqual(['infinity']);
    });

    it('mounts exactly the crew directories, the home volume and the tools read-only, and no Docker socket', async () => {
      const paths = crewHostPaths(dataDir.path, spec.crewId);
      const mounts = Object.fromEntries(
        (await inspect()).Mounts.map((mount) => [
          mount.Destination,
          { source: mount.Source, rw: mount.RW, type: mount.Type, name: mount.Name },
        ]),
      );
      expect(Object.keys(mounts).sort()).toEqual(
        [
          '/crew/agents/a',
          '/crew/agents/b',
          '/crew/shared',
          '/home/agent',
          '/opt/crewship',
          '/output/a',
          '/output/b',
          '/run/crewship',
          '/secrets/a',
          '/secrets/b',
          '/workspace',
        ].sort(),
      );
      expect(mounts['/crew/agents/a']).toMatchObject({ source: paths.agent('a'), rw: true, type: 'bind' });
      expect(mounts['/crew/shared']).toMatchObject({ source: paths.shared, rw: true });
      expect(mounts['/output/b']).toMatchObject({ source: paths.agentOutput('b'), rw: true });
      expect(mounts['/workspace']).toMatchObject({ source: paths.workspace, rw: true });
      expect(mounts['/secrets/a']).toMatchObject({ source: paths.agentSecrets('a'), rw: false });
      expect(mounts['/secrets/b']).toMatchObject({ source: paths.agentSecrets('b'), rw: false });
      expect(mounts['/opt/crewship']).toMatchObject({ source: tools.path, rw: false, type: 'bind' });
      expect(mounts['/run/crewship']).toMatchObject({ source: paths.gateway, rw: true, type: 'bind' });
      expect(mounts['/home/agent']).toMatchObject({
        type: 'volume',
        name: crewHomeVolumeName(spec.crewId),
        rw: true,
      });
      const everything = JSON.stringify((await inspect()).Mounts);
      expect(everything).not.toContain('docker.sock');
      const { exitCode } = await sh('grep -q docker.sock /proc/self/mountinfo');
      expect(exitCode).toBe(1);
    });

    it('labels the container and gives restricted crews no network, free crews the crewship-agents bridge', async () => {
      const restricted = await inspect();
      expect(restricted.Config.Labels).toMatchObject({
        'crewship.managed': 'true',
        'crewship.crew-id': spec.crewId,
        'crewship.workspace-id': spec.workspaceId,
        'crewship.config-hash': container.configHash,
        'crewship.data-dir': dataDir.path,
      });
      expect(restricted.HostConfig.NetworkMode).toBe('none');
      expect(Object.keys(restricted.NetworkSettings.Networks)).toEqual(['none']);
      const free = await docker.getContainer(freeContainer.id).inspect();
      expect(free.HostConfig.NetworkMode).toBe(CREW_NETWORK);
      expect(Object.keys(free.NetworkSettings.Networks)).toEqual([CREW_NETWORK]);
      const network = await docker.getNetwork(CREW_NETWORK).inspect();
      expect(network.Driver).toBe('bridge');
      expect(network.Options).toMatchObject({ 'com.docker.network.bridge.enable_icc': 'false' });
    });

    it('runs agents with HOME, the tools on PATH, a writable home and /tmp, and no capabilities', async () => {
      const result = await sh(
        'echo "$HOME"; echo "$PATH"; crewship-hello; node --version; id -u; touch "$HOME/.probe" /tmp/probe && echo writable; grep -E "^(CapEff|CapPrm|NoNewPrivs)" /proc/self/status',
      );
      expect(result.exitCode).toBe(0);
      const [home, path, hello, nodeVersion, uid, writable, ...status] = result.stdout;
      expect(home).toBe('/home/agent');
      expect(path?.split(':').slice(0, 2)).toEqual(['/opt/crewship/bin', '/opt/crewship/node/bin']);
      expect(hello).toBe('hello from the tools dir');
      expect(nodeVersion).toBe(process.version);
      expect(uid).toBe(String(AGENT_UID));
      expect(writable).toBe('writable');
      expect(status).toEqual(['CapPrm:\t0000000000000000', 'CapEff:\t0000000000000000', 'NoNewPrivs:\t1']);
      const tmp = await sh('stat -c %a /tmp; grep " /tmp " /proc/mounts');
      expect(tmp.stdout[0]).toBe('1777');
      expect(tmp.stdout[1]).toMatch(/tmpfs \/tmp tmpfs rw,nosuid,nodev,.*size=512000k/);
    });
  });

  describe('host side', () => {
    it('creates the host directories with the right owners and modes', () => {
      const paths = crewHostPaths(dataDir.path, spec.crewId);
      const owner = (path: string) => {
        const stats = statSync(path);
        return `${stats.uid}:${stats.gid} ${(stats.mode & 0o7777).toString(8)}`;
      };
      expect(owner(paths.agent('a'))).toBe('1001:1001 755');
      expect(owner(join(paths.agent('a'), '.memory'))).toBe('1001:1001 755');
      expect(owner(paths.shared)).toBe('1001:1001 755');
      expect(owner(paths.workspace)).toBe('1001:1001 755');
      expect(owner(paths.agentOutput('b'))).toBe('1001:1001 755');
      expect(owner(paths.agentSecrets('a'))).toBe(`0:${agentGroupId(spec, 'a')} 750`);
      expect(owner(paths.agentSecrets('b'))).toBe(`0:${agentGroupId(spec, 'b')} 750`);
      expect(owner(paths.gateway)).toBe('1002:1002 700');
    });

    it('gives the gateway socket dir to the sidecar user only', async () => {
      expect((await sh('stat -c "%u:%g %a" /run/crewship', '1002:1002')).stdout).toEqual(['1002:1002 700']);
      expect((await sh('touch /run/crewship/sidecar-was-here', '1002:1002')).exitCode).toBe(0);
      const agent = await sh('ls /run/crewship; touch /run/crewship/agent-was-here');
      expect(agent.exitCode).not.toBe(0);
      expect(agent.stderr.join('\n')).toContain('Permission denied');
    });

    it('shows agent output written in /output/{slug} on the host', async () => {
      const result = await sh('echo "report of a" > /output/a/report.txt && echo ok');
      expect(result.exitCode).toBe(0);
      const file = join(crewHostPaths(dataDir.path, spec.crewId).agentOutput('a'), 'report.txt');
      expect(readFileSync(file, 'utf8')).toBe('report of a\n');
      expect(statSync(file).uid).toBe(AGENT_UID);
    });

    it('replaces a symlink an agent planted for .memory instead of following it', async () => {
      const paths = crewHostPaths(dataDir.path, spec.crewId);
      const victim = join(dataDir.path, 'victim');
      mkdirSync(victim, { mode: 0o700 });
      const memory = join(paths.agent('b'), '.memory');
      await sh('rmdir /crew/agents/b/.memory', asB);
      symlinkSync(victim, memory);
      await prepareCrewHostDirs(dataDir.path, spec);
      expect(lstatSync(memory).isDirectory()).toBe(true);
      expect(statSync(memory).uid).toBe(AGENT_UID);
      expect(statSync(victim).uid).toBe(0);
      expect(statSync(victim).mode & 0o777).toBe(0o700);
    });
  });

  describe('a hostile agent (UID 1001) fails at everything and the container stays healthy', () => {
    it('cannot write to /etc, /usr or /opt/crewship', async () => {
      for (const target of [
        '/etc/crewship-owned',
        '/usr/bin/crewship-owned',
        '/opt/crewship/owned',
        '/opt/crewship/node/bin/node',
      ]) {
        const result = await sh(`echo pwned > ${target}`);
        expect(result.exitCode, target).not.toBe(0);
        expect(result.stderr.join('\n'), target).toMatch(/Read-only file system|Permission denied/);
      }
      const asRoot = await sh('touch /etc/crewship-owned', '0:0');
      expect(asRoot.exitCode).not.toBe(0);
      expect(asRoot.stderr.join('\n')).toContain('Read-only file system');
      await expectHealthy();
    });

    it('cannot escalate through setuid binaries', async () => {
      const copy = await sh('cp /usr/bin/su /tmp/su && chmod u+s /tmp/su; stat -c %u /tmp/su');
      expect(copy.stdout.at(-1)).toBe(String(AGENT_UID));
      expect((await sh('chmod u+s /usr/bin/newgrp')).exitCode).not.toBe(0);
      const su = await sh('su -c id root </dev/null');
      expect(su.exitCode).not.toBe(0);
      expect(su.stdout.join('\n')).not.toContain('uid=0');
      const status = await sh('grep -E "^(NoNewPrivs|CapEff|CapBnd)" /proc/self/status');
      expect(status.stdout).toEqual([
        'CapEff:\t0000000000000000',
        'CapBnd:\t0000000000000000',
        'NoNewPrivs:\t1',
      ]);
      const setuidExec = await sh('/tmp/su -c id root </dev/null');
      expect(setuidExec.stdout.join('\n')).not.toContain('uid=0');
      await expectHealthy();
    });

    it('cannot mount, chroot or open a raw socket', async () => {
      const mount = await sh('mkdir -p /tmp/m && mount -t tmpfs x /tmp/m');
      expect(mount.exitCode).not.toBe(0);
      const chroot = await sh('chroot / true');
      expect(chroot.exitCode).not.toBe(0);
      expect(chroot.stderr.join('\n')).toContain('Operation not permitted');
      const raw = await sh(
        `perl -e 'use Socket; socket(my $s, PF_INET, SOCK_RAW, 1) or die "raw: $!\\n"; print "opened\\n"'`,
      );
      expect(raw.exitCode).not.toBe(0);
      expect(raw.stderr.join('\n')).toContain('raw: Operation not permitted');
      const asRoot = await sh('mount -t tmpfs x /mnt', '0:0');
      expect(asRoot.exitCode).not.toBe(0);
      await expectHealthy();
    });

    it('has a fork bomb held by the PID limit', async () => {
      // Bounded (at most 2^10 processes) so that a missing limit cannot take the host down with it.
      const bomb = await sh(
        'bomb() { if [ "$1" -lt 9 ]; then bomb $(($1 + 1)) & bomb $(($1 + 1)) & fi; sleep 30; }; bomb 0',
        asA,
        5000,
      );
      expect(bomb).toMatchObject({ timedOut: true, exitCode: 137 });
      const events = await sh(
        'cat /sys/fs/cgroup/pids/pids.events /sys/fs/cgroup/pids.events 2>/dev/null; cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null',
      );
      expect(events.stdout).toContain('200');
      const refusals = Number(events.stdout.find((line) => line.startsWith('max '))?.slice(4));
      expect(refusals).toBeGreaterThan(0);
      await expectHealthy();
      const leftovers = await sh(
        'for p in /proc/[0-9]*; do tr "\\0" " " < $p/cmdline 2>/dev/null; echo; done | grep -c "^sleep 30" || true',
      );
      expect(leftovers.stdout.at(-1)).toBe('0');
    });

    it('has a memory hog OOM-killed without killing the container', async () => {
      const hog = await sh('head -c 600m /dev/zero | tail');
      expect(hog.exitCode).toBe(137);
      await expectHealthy();
    });

    it("cannot read another agent's /secrets/{slug}, while that agent can", async () => {
      const paths = crewHostPaths(dataDir.path, spec.crewId);
      const secret = join(paths.agentSecrets('b'), 'token');
      writeFileSync(secret, 'secret-of-b\n', { mode: 0o640 });
      chownSync(secret, 0, agentGroupId(spec, 'b'));
      const stolen = await sh('cat /secrets/b/token; ls /secrets/b', asA);
      expect(stolen.exitCode).not.toBe(0);
      expect(stolen.stdout).toEqual([]);
      expect(stolen.stderr.join('\n')).toContain('Permission denied');
      const plain = await sh('cat /secrets/b/token', '1001:1001');
      expect(plain.exitCode).not.toBe(0);
      const own = await sh('cat /secrets/b/token', asB);
      expect(own).toMatchObject({ exitCode: 0, stdout: ['secret-of-b'] });
      const tamper = await sh('echo x > /secrets/b/token', asB);
      expect(tamper.exitCode).not.toBe(0);
      await expectHealthy();
    });

    it('cannot connect over TCP, send UDP or resolve a name in restricted mode', async () => {
      const tcp = await bash('exec 3<>/dev/tcp/1.1.1.1/80 && echo connected');
      expect(tcp.exitCode).not.toBe(0);
      expect(tcp.stdout).toEqual([]);
      expect(tcp.stderr.join('\n')).toContain('Network is unreachable');
      const udp = await bash('echo x > /dev/udp/1.1.1.1/53 && echo sent');
      expect(udp.exitCode).not.toBe(0);
      expect(udp.stdout).toEqual([]);
      const dns = await sh('getent hosts example.com');
      expect(dns.exitCode).not.toBe(0);
      expect(dns.stdout).toEqual([]);
      const links = await sh('ls /sys/class/net');
      expect(links.stdout).toEqual(['lo']);
      await expectHealthy();
    });

    it('finds no Docker socket', async () => {
      const result = await sh('ls /var/run/docker.sock /run/docker.sock');
      expect(result.exitCode).not.toBe(0);
      const search = await sh(
        'find / -xdev -name "docker.sock*" 2>/dev/null; find /run /var/run /tmp /home -name "*.sock" 2>/dev/null',
      );
      expect(search.stdout).toEqual([]);
      await expectHealthy();
    });
  });
});

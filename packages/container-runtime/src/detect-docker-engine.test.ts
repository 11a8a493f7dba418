import { describe, expect, it } from 'vitest';
import { dockerSocketCandidates } from './detect-docker-engine.js';

describe('dockerSocketCandidates', () => {
  it('tries DOCKER_HOST first, then the well-known sockets in order', () => {
    expect(
      dockerSocketCandidates({ dockerHost: 'unix:///tmp/my.sock', home: '/home/ada', uid: 1000 }),
    ).toEqual([
      '/tmp/my.sock',
      '/var/run/docker.sock',
      '/home/ada/.colima/default/docker.sock',
      '/home/ada/.orbstack/run/docker.sock',
      '/home/ada/.rd/docker.sock',
      '/home/ada/.docker/run/docker.sock',
      '/run/user/1000/podman/podman.sock',
      '/run/podman/podman.sock',
      '/run/containerd/containerd.sock',
    ]);
  });

  it('ignores a DOCKER_HOST that is not unix:// and does not repeat a socket', () => {
    const tcp = dockerSocketCandidates({ dockerHost: 'tcp://10.0.0.1:2375', home: '/root', uid: 0 });
    expect(tcp[0]).toBe('/var/run/docker.sock');
    const same = dockerSocketCandidates({ dockerHost: 'unix:///var/run/docker.sock', home: '/root', uid: 0 });
    expect(same.filter((socket) => socket === '/var/run/docker.sock')).toHaveLength(1);
  });
});

import {
  type BenchServer,
  measureThroughput,
  runBench,
  spawnServer,
  type ThroughputMeasurement,
  temporaryDirectory,
} from '@crewship/tooling-bench';

const CREWS = 5;
const LOAD = { connections: 10, warmupSeconds: 2, durationSeconds: 8 };
const OWNER = { email: 'owner@example.com', password: 'bench password, not a secret' };

async function call(server: BenchServer, method: string, path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.url}${path}`, { method, headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function seed(server: BenchServer): Promise<string> {
  await call(server, 'POST', '/api/v1/bootstrap', OWNER);
  const { token } = await call(server, 'POST', '/api/v1/auth/token', OWNER);
  if (typeof token !== 'string') throw new Error('POST /api/v1/auth/token returned no token');
  for (let index = 1; index <= CREWS; index += 1) {
    await call(server, 'POST', '/api/v1/crews', { name: `Bench crew ${index}` }, token);
  }
  return token;
}

async function measureServer(
  entry: URL,
  args: string[],
  load: (server: BenchServer) => Promise<ThroughputMeasurement>,
): Promise<ThroughputMeasurement> {
  const server = await spawnServer(entry, { args });
  try {
    return await load(server);
  } finally {
    await server.stop();
  }
}

runBench(async () => {
  const dataDir = temporaryDirectory('crewship-bench-');
  try {
    const crews = await measureServer(
      new URL('./crewshipd-server.ts', import.meta.url),
      [dataDir.path],
      async (server) => {
        const token = await seed(server);
        const { items } = await call(server, 'GET', '/api/v1/crews', undefined, token);
        if (!Array.isArray(items) || items.length !== CREWS) {
          throw new Error(`GET /api/v1/crews listed ${JSON.stringify(items)}, expected ${CREWS} crews`);
        }
        const headers = { authorization: `Bearer ${token}` };
        return measureThroughput({ url: `${server.url}/api/v1/crews`, headers, ...LOAD });
      },
    );
    const hello = await measureServer(new URL('./hello-hono-server.ts', import.meta.url), [], (server) =>
      measureThroughput({ url: `${server.url}/`, ...LOAD }),
    );
    return {
      name: 'server/crews-throughput',
      unit: 'requests/s',
      figure: crews.requestsPerSecond,
      baseline: hello.requestsPerSecond,
      baselineName: 'hono-hello-world',
      details: {
        ...LOAD,
        crews: CREWS,
        serverLog: 'info level, to /dev/null',
        node: process.version,
        subject: crews,
        baseline: hello,
      },
    };
  } finally {
    dataDir.remove();
  }
});

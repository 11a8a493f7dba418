/**
 * A console to click through by hand: `npx tsx apps/web/test/dev-stack.ts [--port N] [--data-dir D]
 * [--web-dir apps/web/dist] [--crew demo]`. Seeds an Owner, a crew `demo` (started), an agent `ada` (Claude Code) with
 * a credential, and a sync approval rule for messages containing "approve-me". Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { apiCall, OWNER, requireApprovalForPhrase, startConsoleStack, tokenFor } from './console-stack.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'web-dir': { type: 'string' },
    /** Container names are global to the engine: two stacks at once need two crew names. */
    crew: { type: 'string', default: 'demo' },
  },
});
const stack = await startConsoleStack({
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  ...(values['web-dir'] ? { webDir: values['web-dir'] } : {}),
});
const { url } = stack;
const crewName = values.crew;
const status = await apiCall<{ needed: boolean }>(url, undefined, 'GET', '/api/v1/bootstrap');
if (status.needed) await apiCall(url, undefined, 'POST', '/api/v1/bootstrap', OWNER);
const token = await tokenFor(url, OWNER.email, OWNER.password);
const crews = await apiCall<{ items: { slug: string }[] }>(url, token, 'GET', '/api/v1/crews');
if (!crews.items.some((crew) => crew.slug === crewName)) {
  await apiCall(url, token, 'POST', '/api/v1/crews', {
    name: crewName,
    runtime_image: 'crewship-base:bookworm',
    memory_mb: 2048,
    cpus: 2,
  });
  await apiCall(url, token, 'POST', '/api/v1/agents', {
    crew: 'demo',
    name: 'ada',
    cli_adapter: 'CLAUDE_CODE',
  });
  const credential = await apiCall<{ id: string }>(url, token, 'POST', '/api/v1/credentials', {
    name: 'anthropic-demo',
    provider: 'anthropic',
    value: 'sk-ant-api03-demo-0123456789abcdefghij',
  });
  await apiCall(url, token, 'POST', `/api/v1/credentials/${credential.id}/assign`, { agents: ['ada'] });
  await requireApprovalForPhrase(url, token);
}
process.stdout.write(
  `console: ${url}\nlogin: ${OWNER.email} / ${OWNER.password}\nstarting crew ${crewName}…\n`,
);
await apiCall(url, token, 'POST', `/api/v1/crews/${crewName}/container-start`);
process.stdout.write(`ready: crew ${crewName} is running; data dir ${stack.dataDir}\n`);
const stop = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

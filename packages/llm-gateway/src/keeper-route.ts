import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  keeperDenial as deny,
  KEEPER_MAX_BODY_BYTES,
  type KeeperResponse,
  keeperResponseSchema,
} from '@crewship/contracts';
import type { CrewState, GatewayContext } from './gateway-context.js';
import { readBody } from './read-body.js';

export type KeeperAction = 'request' | 'execute';

function send(
  response: ServerResponse,
  status: number,
  body: KeeperResponse,
  extra: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // A granted value must not linger in any cache on the way.
    'cache-control': 'no-store',
    ...extra,
  });
  response.end(text);
}

/**
 * `POST /keeper/{request|execute}` on a crew socket: the crew comes from the socket, the JSON body goes to
 * the Keeper as it is. 200 on allow, 403 on deny. The answer (which may hold a credential value) is
 * never logged or journaled here.
 */
export async function handleKeeperRequest(
  context: GatewayContext,
  crew: CrewState,
  action: KeeperAction,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== 'POST') {
    send(response, 405, deny('validation', 'use POST'), { allow: 'POST' });
    return;
  }
  const keeper = context.keeper;
  if (!keeper) {
    send(response, 503, deny('fail_closed', 'the Keeper is not available'));
    return;
  }
  const read = await readBody(request, KEEPER_MAX_BODY_BYTES);
  if (read.outcome === 'aborted') {
    response.destroy();
    return;
  }
  if (read.outcome === 'too_large') {
    send(response, 413, deny('validation', `the body exceeds ${KEEPER_MAX_BODY_BYTES} bytes`), {
      connection: 'close',
    });
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(read.body.toString('utf8'));
  } catch {
    send(response, 400, deny('validation', 'the body is not JSON'));
    return;
  }
  const subject = { workspaceId: crew.workspaceId, crewId: crew.crewId };
  let result: unknown;
  try {
    result = await (action === 'request' ? keeper.request(subject, body) : keeper.execute(subject, body));
  } catch (error) {
    crew.logger.error('keeper failed', {
      action,
      error: error instanceof Error ? error.message : 'unknown error',
    });
    send(response, 500, deny('fail_closed', 'the Keeper failed; nothing was granted'));
    return;
  }
  const parsed = keeperResponseSchema.safeParse(result);
  if (!parsed.success) {
    // Issue paths only: the answer may hold a credential value.
    crew.logger.error('keeper answered an invalid response', {
      action,
      fields: parsed.error.issues.map((issue) => issue.path.join('.')),
    });
    send(response, 500, deny('fail_closed', 'the Keeper failed; nothing was granted'));
    return;
  }
  const answer = parsed.data;
  if (answer.decision !== 'allow') {
    // Only an allowed request carries a value or command output.
    const { value: _value, stdout: _stdout, stderr: _stderr, exit_code: _exitCode, ...denied } = answer;
    send(response, 403, denied);
    return;
  }
  send(response, 200, answer);
}

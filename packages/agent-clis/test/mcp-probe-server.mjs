// A minimal MCP server over stdio with one tool, `ping`, answering "pong" (for the Claude Code MCP test).
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
const tools = [
  { name: 'ping', description: 'Answers pong', inputSchema: { type: 'object', properties: {} } },
];

createInterface({ input: process.stdin }).on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (message.id === undefined) return;
  if (message.method === 'initialize') {
    const result = {
      protocolVersion: message.params?.protocolVersion ?? '2025-06-18',
      capabilities: { tools: {} },
      serverInfo: { name: 'probe', version: '1.0.0' },
    };
    send({ id: message.id, result });
  } else if (message.method === 'tools/list') send({ id: message.id, result: { tools } });
  else if (message.method === 'tools/call') {
    send({ id: message.id, result: { content: [{ type: 'text', text: 'pong' }] } });
  } else send({ id: message.id, result: {} });
});

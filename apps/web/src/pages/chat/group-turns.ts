import type { ChatMessage } from '@crewship/contracts';

/** A user message with what its run produced: live events while streaming, else the stored answer. */
export interface Turn {
  key: string;
  user: ChatMessage | null;
  assistants: ChatMessage[];
  runId: string | null;
}

/** Groups messages by run, oldest first; an answer goes under the message that started its run. */
export function groupTurns(messages: readonly ChatMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const owner =
      message.role === 'assistant' && message.run_id
        ? turns.findLast((turn) => turn.runId === message.run_id)
        : undefined;
    if (owner) owner.assistants.push(message);
    else
      turns.push({
        key: message.id,
        user: message.role === 'user' ? message : null,
        assistants: message.role === 'assistant' ? [message] : [],
        runId: message.run_id,
      });
  }
  return turns;
}

import type { Chat } from '@crewship/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../components/ui/button';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { cn } from '../../lib/cn';
import { formatRelative } from '../../lib/format';
import { useCan } from '../../lib/session';

export function ChatList(props: {
  chats: UseQueryResult<Chat[]>;
  selected: string | null;
  onCreate: () => void;
  creating: boolean;
}) {
  const canChat = useCan('MEMBER');
  const { chats } = props;
  return (
    <section aria-labelledby="chat-list-heading" className="grid content-start gap-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="chat-list-heading" className="text-sm font-semibold">
          Chats
        </h2>
        {canChat ? (
          <Button size="sm" variant="outline" onClick={props.onCreate} disabled={props.creating}>
            <Plus aria-hidden="true" />
            New chat
          </Button>
        ) : null}
      </div>
      {chats.isPending ? <Spinner /> : null}
      {chats.error ? <ErrorNotice error={chats.error} /> : null}
      {chats.data && chats.data.length === 0 ? (
        <p className="text-sm text-muted-foreground">
          {canChat ? 'No chats yet: write a message to start one.' : 'No chats yet.'}
        </p>
      ) : null}
      {chats.data && chats.data.length > 0 ? (
        <nav aria-label="Chats with this agent" className="max-h-52 overflow-y-auto md:max-h-[70vh]">
          <ul className="grid gap-1">
            {chats.data.map((chat) => {
              const current = chat.id === props.selected;
              return (
                <li key={chat.id}>
                  <Link
                    to={`?chat=${encodeURIComponent(chat.id)}`}
                    aria-current={current ? 'page' : undefined}
                    className={cn(
                      'grid gap-0.5 rounded-md px-3 py-2 text-sm hover:bg-accent',
                      current && 'bg-accent font-medium',
                    )}
                  >
                    <span className="flex items-center gap-2">
                      <span className="min-w-0 flex-1 truncate">{chat.title}</span>
                      {chat.active_run_id ? (
                        <span
                          className="size-2 shrink-0 rounded-full bg-primary"
                          title="A run is in progress"
                        >
                          <span className="sr-only">(running)</span>
                        </span>
                      ) : null}
                    </span>
                    <span className="text-xs font-normal text-muted-foreground">
                      {formatRelative(chat.updated_at)}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      ) : null}
    </section>
  );
}

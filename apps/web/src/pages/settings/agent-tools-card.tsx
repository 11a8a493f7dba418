import type { AgentToolName } from '@crewship/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatRelative, formatTime } from '../../lib/format';
import { useApi, useCan } from '../../lib/session';

/** The agent CLIs crew containers mount, at pinned versions; Admins install missing ones with live progress. */
export function AgentToolsCard() {
  const api = useApi();
  const admin = useCan('ADMIN');
  const queryClient = useQueryClient();
  const toast = useToast();
  const [lines, setLines] = useState<string[]>([]);
  const tools = useQuery({ queryKey: ['tools'], queryFn: () => api.tools.list() });
  const install = useMutation({
    mutationFn: async (names: AgentToolName[]) => {
      setLines([]);
      const progress = await api.tools.install(names);
      for await (const line of progress) setLines((current) => [...current, line]);
      return progress.result;
    },
    onSuccess: (installed, names) =>
      toast(
        `Installed ${installed
          .filter((tool) => names.includes(tool.name))
          .map((tool) => `${tool.name} ${tool.version}`)
          .join(', ')}`,
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['tools'] }),
  });
  const missing = (tools.data ?? []).filter((tool) => !tool.installed).map((tool) => tool.name);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Agent tools</CardTitle>
        <CardDescription>
          Agent CLIs installed once on this server and mounted read-only into every crew container.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {tools.isPending ? <Spinner /> : null}
        {tools.error ? <ErrorNotice error={tools.error} /> : null}
        {tools.data ? (
          <Table>
            <caption className="sr-only">Agent CLIs</caption>
            <THead>
              <tr>
                <Th>Tool</Th>
                <Th>Package</Th>
                <Th>Version</Th>
                <Th>Status</Th>
                {admin ? <Th>Actions</Th> : null}
              </tr>
            </THead>
            <TBody>
              {tools.data.map((tool) => (
                <Tr key={tool.name}>
                  <Td className="font-medium">
                    {tool.name}
                    <span className="block text-xs text-muted-foreground">runs as {tool.binary}</span>
                  </Td>
                  <Td className="font-mono text-xs">{tool.package}</Td>
                  <Td className="font-mono text-xs">{tool.version}</Td>
                  <Td className="whitespace-nowrap">
                    {tool.installed ? (
                      <Badge variant="success" title={formatTime(tool.installed_at)}>
                        installed {formatRelative(tool.installed_at)}
                      </Badge>
                    ) : (
                      <Badge variant="secondary">not installed</Badge>
                    )}
                  </Td>
                  {admin ? (
                    <Td>
                      {tool.installed ? null : (
                        <Button
                          size="sm"
                          variant="outline"
                          aria-label={`Install ${tool.name}`}
                          disabled={install.isPending}
                          onClick={() => install.mutate([tool.name])}
                        >
                          Install
                        </Button>
                      )}
                    </Td>
                  ) : null}
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
        {admin && missing.length > 1 ? (
          <div>
            <Button variant="secondary" disabled={install.isPending} onClick={() => install.mutate(missing)}>
              Install all missing ({missing.length})
            </Button>
          </div>
        ) : null}
        {install.isPending ? <Spinner label="Installing from npm…" /> : null}
        {lines.length > 0 ? (
          <div
            role="log"
            aria-label="Install progress"
            className="max-h-48 overflow-y-auto rounded-md border bg-muted/50 p-3 font-mono text-xs"
          >
            {lines.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: progress lines are append-only and may repeat
              <p key={index}>{line}</p>
            ))}
          </div>
        ) : null}
        {install.error ? <ErrorNotice error={install.error} /> : null}
      </CardContent>
    </Card>
  );
}

import type { Agent } from '@crewship/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Download, RefreshCw } from 'lucide-react';
import { Button } from '../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { ErrorNotice, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { formatBytes, formatRelative, formatTime } from '../../lib/format';
import { useApi } from '../../lib/session';

function saveBytes(bytes: Uint8Array, path: string) {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = path.split('/').at(-1) ?? 'file';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** What the agent left in /output/<slug>, with a download per file. */
export function AgentFilesCard({ agent }: { agent: Agent }) {
  const api = useApi();
  const files = useQuery({
    queryKey: ['agents', 'files', agent.id],
    queryFn: () => api.agents.files(agent.id),
  });
  const download = useMutation({
    mutationFn: async (path: string) => saveBytes(await api.agents.fileContent(agent.id, path), path),
  });
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="grid grid-cols-1 gap-1">
          <CardTitle>Output files</CardTitle>
          <CardDescription>
            Files under <span className="font-mono">/output/{agent.slug}</span> in the crew's container.
          </CardDescription>
        </div>
        <Button variant="outline" size="sm" disabled={files.isFetching} onClick={() => void files.refetch()}>
          <RefreshCw aria-hidden="true" className={files.isFetching ? 'animate-spin' : undefined} />
          Refresh files
        </Button>
      </CardHeader>
      <CardContent className="grid grid-cols-1 gap-3">
        {files.isPending ? <Spinner /> : null}
        {files.error ? <ErrorNotice error={files.error} /> : null}
        {download.error ? <ErrorNotice error={download.error} /> : null}
        {files.data?.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            No files yet. Ask the agent to write its results there.
          </p>
        ) : null}
        {files.data && files.data.items.length > 0 ? (
          <Table>
            <caption className="sr-only">Output files of {agent.name}</caption>
            <THead>
              <tr>
                <Th>Path</Th>
                <Th>Size</Th>
                <Th>Modified</Th>
                <Th className="relative">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {files.data.items.map((file) => (
                <Tr key={file.path}>
                  <Td className="font-mono text-xs break-all">{file.path}</Td>
                  <Td className="whitespace-nowrap tabular-nums">{formatBytes(file.size)}</Td>
                  <Td className="whitespace-nowrap" title={formatTime(file.modified_at)}>
                    {formatRelative(file.modified_at)}
                  </Td>
                  <Td className="text-right">
                    <Button
                      variant="ghost"
                      size="icon"
                      aria-label={`Download ${file.path}`}
                      disabled={download.isPending}
                      onClick={() => download.mutate(file.path)}
                    >
                      <Download />
                    </Button>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
        {files.data?.truncated ? (
          <p className="text-xs text-muted-foreground">
            Only the first {files.data.items.length} files are listed.
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}

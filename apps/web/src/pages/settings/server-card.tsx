import { isCrewshipError } from '@crewship/contracts';
import { useQuery } from '@tanstack/react-query';
import { Badge } from '../../components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { Spinner } from '../../components/ui/feedback';
import { errorMessage } from '../../lib/api';
import { useApi } from '../../lib/session';

/** The server's version, liveness and readiness checks. */
export function ServerCard() {
  const api = useApi();
  const health = useQuery({ queryKey: ['server', 'health'], queryFn: () => api.health() });
  const readiness = useQuery({
    queryKey: ['server', 'readiness'],
    queryFn: () => api.readiness(),
    retry: false,
  });
  const notReady = isCrewshipError(readiness.error) && readiness.error.kind === 'unavailable';
  return (
    <Card>
      <CardHeader>
        <CardTitle>Server</CardTitle>
        <CardDescription>{window.location.host}</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2 text-sm">
          <dt className="text-muted-foreground">Version</dt>
          <dd className="font-mono">{health.data?.version ?? (health.error ? 'unknown' : '…')}</dd>
          <dt className="text-muted-foreground">Health</dt>
          <dd>
            {health.isPending ? <Spinner label="Checking" /> : null}
            {health.data ? <Badge variant="success">ok</Badge> : null}
            {health.error ? <Badge variant="destructive">{errorMessage(health.error)}</Badge> : null}
          </dd>
          <dt className="text-muted-foreground">Readiness</dt>
          <dd className="grid gap-1">
            {readiness.isPending ? <Spinner label="Checking" /> : null}
            {readiness.data ? (
              <>
                <span>
                  <Badge variant={readiness.data.status === 'ready' ? 'success' : 'warning'}>
                    {readiness.data.status.replace('_', ' ')}
                  </Badge>
                </span>
                <ul className="grid gap-0.5 text-xs text-muted-foreground">
                  {Object.entries(readiness.data.checks).map(([name, check]) => (
                    <li key={name}>
                      {check.ok ? '✓' : '✗'} {name}
                      {check.detail ? `: ${check.detail}` : ''}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {readiness.error ? (
              <span>
                <Badge variant="warning">{notReady ? 'not ready' : errorMessage(readiness.error)}</Badge>
              </span>
            ) : null}
          </dd>
        </dl>
      </CardContent>
    </Card>
  );
}

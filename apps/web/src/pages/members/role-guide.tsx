import type { Role } from '@crewship/contracts';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card';
import { roleLabel } from './assignable-roles';

const WHAT_EACH_MAY_DO: [Role, string][] = [
  ['OWNER', 'Everything an Admin may, plus granting Owner and deleting the workspace.'],
  [
    'ADMIN',
    'Manages members, credentials, budgets and prices, approval and Keeper rules, installs agent CLIs, runs commands in crew containers and renames the workspace.',
  ],
  [
    'MANAGER',
    'Creates and edits crews and agents, starts and stops crew containers, approves or denies requests.',
  ],
  ['MEMBER', 'Chats with agents, cancels runs and reads the Keeper rules and decisions.'],
  ['VIEWER', 'Reads crews, agents, chats, runs, the journal, costs and credential names; changes nothing.'],
];

/** The five roles, strongest first, with what each may do. */
export function RoleGuide() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Roles</CardTitle>
        <CardDescription>Each role may do everything the roles below it may.</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-3 text-sm">
          {WHAT_EACH_MAY_DO.map(([role, text]) => (
            <div key={role} className="grid gap-0.5 sm:grid-cols-[7rem_1fr] sm:gap-3">
              <dt className="font-medium">{roleLabel(role)}</dt>
              <dd className="text-muted-foreground">{text}</dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}

import { type Member, type Role, roleAtLeast } from '@crewship/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { ConfirmDialog } from '../../components/ui/confirm-dialog';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui/feedback';
import { Table, TBody, Td, THead, Th, Tr } from '../../components/ui/table';
import { useToast } from '../../components/ui/toast';
import { formatTime } from '../../lib/format';
import { useCan, useSession } from '../../lib/session';
import { AddMemberDialog } from './add-member-dialog';
import { roleLabel } from './assignable-roles';
import { MemberRoleSelect } from './member-role-select';
import { RoleGuide } from './role-guide';

function MemberRow(props: {
  member: Member;
  actorRole: Role;
  self: boolean;
  admin: boolean;
  onError: (error: unknown) => void;
}) {
  const { member } = props;
  const { api, refresh } = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const manageable = props.admin && roleAtLeast(props.actorRole, member.role);
  return (
    <Tr>
      <Td className="font-medium whitespace-nowrap">
        {member.name}
        {props.self ? <span className="ml-1 text-muted-foreground">(you)</span> : null}
      </Td>
      <Td className="whitespace-nowrap">{member.email}</Td>
      <Td>
        {manageable ? (
          <MemberRoleSelect
            member={member}
            actorRole={props.actorRole}
            self={props.self}
            onError={props.onError}
          />
        ) : (
          <Badge variant={member.role === 'OWNER' ? 'default' : 'secondary'}>{roleLabel(member.role)}</Badge>
        )}
      </Td>
      <Td className="whitespace-nowrap" title={formatTime(member.created_at)}>
        {new Date(member.created_at).toLocaleDateString(undefined, { dateStyle: 'medium' })}
      </Td>
      {props.admin ? (
        <Td>
          {manageable ? (
            <ConfirmDialog
              trigger={
                <Button size="sm" variant="outline" aria-label={`Remove ${member.email}`}>
                  Remove
                </Button>
              }
              title={props.self ? 'Leave this workspace?' : `Remove ${member.email}?`}
              description={
                props.self
                  ? 'You lose access to this workspace at once.'
                  : 'They lose access to this workspace at once; their account stays.'
              }
              confirmLabel={props.self ? 'Leave workspace' : 'Remove member'}
              pendingLabel="Working…"
              onConfirm={async () => {
                await api.members.remove(member.user_id);
                toast(`${member.email} removed`);
                if (props.self) await refresh();
                else await queryClient.invalidateQueries({ queryKey: ['members'] });
              }}
            />
          ) : null}
        </Td>
      ) : null}
    </Tr>
  );
}

/** Who belongs to the workspace and with which role; Admins add, re-role and remove members. */
export function MembersPage() {
  const { api, me, workspace } = useSession();
  const admin = useCan('ADMIN');
  const actorRole = workspace.role;
  const [problem, setProblem] = useState<unknown>(null);
  const members = useQuery({ queryKey: ['members'], queryFn: () => api.members.list() });
  return (
    <>
      <PageHeader
        title="Members"
        description={`People in ${workspace.name} and their roles.`}
        actions={admin ? <AddMemberDialog actorRole={actorRole} /> : null}
      />
      <div className="grid gap-6">
        <section aria-label="Members" className="grid gap-3">
          {problem ? <ErrorNotice error={problem} /> : null}
          {members.isPending ? <Spinner /> : null}
          {members.error ? <ErrorNotice error={members.error} /> : null}
          {members.data?.length === 0 ? <EmptyState title="No members" /> : null}
          {members.data && members.data.length > 0 ? (
            <Table>
              <caption className="sr-only">Members of {workspace.name}</caption>
              <THead>
                <tr>
                  <Th>Name</Th>
                  <Th>Email</Th>
                  <Th>Role</Th>
                  <Th>Since</Th>
                  {admin ? <Th>Actions</Th> : null}
                </tr>
              </THead>
              <TBody>
                {members.data.map((member) => (
                  <MemberRow
                    key={member.user_id}
                    member={member}
                    actorRole={actorRole}
                    self={member.user_id === me.user.id}
                    admin={admin}
                    onError={setProblem}
                  />
                ))}
              </TBody>
            </Table>
          ) : null}
        </section>
        <RoleGuide />
      </div>
    </>
  );
}

import { type Member, type Role, roleAtLeast } from '@crewship/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Select } from '../../components/ui/input';
import { useToast } from '../../components/ui/toast';
import { useSession } from '../../lib/session';
import { assignableRoles, roleLabel } from './assignable-roles';

/** Changes a member's role as soon as another one is chosen; a refusal goes to `onError`. */
export function MemberRoleSelect(props: {
  member: Member;
  actorRole: Role;
  self: boolean;
  onError: (error: unknown) => void;
}) {
  const { member } = props;
  const { api, refresh } = useSession();
  const queryClient = useQueryClient();
  const toast = useToast();
  const update = useMutation({
    mutationFn: (role: Role) => api.members.update(member.user_id, { role }),
    onMutate: () => props.onError(null),
    onSuccess: async (updated) => {
      toast(`${updated.email} is now ${roleLabel(updated.role)}`);
      if (props.self) await refresh();
    },
    onError: props.onError,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  const value = update.isPending && update.variables ? update.variables : member.role;
  return (
    <Select
      aria-label={`Role for ${member.email}`}
      className="w-32"
      value={value}
      disabled={update.isPending || !roleAtLeast(props.actorRole, member.role)}
      onChange={(event) => update.mutate(event.target.value as Role)}
    >
      {assignableRoles(props.actorRole).map((role) => (
        <option key={role} value={role}>
          {roleLabel(role)}
        </option>
      ))}
    </Select>
  );
}

import { CrewshipError, type Role, roleRank } from '@crewship/contracts';

/** Nobody grants a role above their own or changes someone stronger than themselves. */
export function assertCanAssign(actor: Role, target: { current?: Role; next?: Role }): void {
  if (target.current !== undefined && roleRank(target.current) > roleRank(actor)) {
    throw new CrewshipError('forbidden', `a ${actor} cannot change a member whose role is ${target.current}`);
  }
  if (target.next !== undefined && roleRank(target.next) > roleRank(actor)) {
    throw new CrewshipError('forbidden', `a ${actor} cannot grant the role ${target.next}`);
  }
}

import { ROLES, type Role, roleAtLeast } from '@crewship/contracts';

/** Roles an actor may grant: their own and weaker ones (the server refuses stronger ones). */
export function assignableRoles(actor: Role): Role[] {
  return ROLES.filter((role) => roleAtLeast(actor, role));
}

export function roleLabel(role: Role): string {
  return role.charAt(0) + role.slice(1).toLowerCase();
}

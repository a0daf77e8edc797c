// Who is acting and what they may reach (issue #3). The store applies it to every interaction (DESIGN.md §1).
export {
  type Access,
  canSee,
  hidden,
  refused,
  resolveAccess,
  visibleRowSql,
  visibleSql,
} from './access.ts';
export { type Actor, requireStaff, systemActor } from './actor.ts';
export { STAFF_ROLE_SYSTEM } from './relationships.ts';
export { parseScope, type SmartScope } from './scopes.ts';

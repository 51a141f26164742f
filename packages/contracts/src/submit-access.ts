import { describeRoles, type Caller, type SubmitRefusal, type SubmitterRole } from './access.js';
import { TASK_CATALOG, type TaskDefinition, type TaskType } from './catalog/catalog.js';

/** Why `role` may not submit `type` at all, whatever the params; null when it may. */
export function typeRefusal(type: TaskType, role: SubmitterRole): SubmitRefusal | null {
  const { roles } = TASK_CATALOG[type];
  if (roles.includes(role)) return null;
  return {
    path: '/type',
    message: `${type} may be submitted by ${describeRoles(roles)}, not by ${role}`,
  };
}

/**
 * Why `role` may not use these params of `type`; null when it may. Ask it of params that
 * passed the type's schema: the rules read them as typed. Without `caller` (claims unknown),
 * the rules that need a claim refuse: an ordinary user's notification needs their `email`.
 */
export function paramRefusal(
  type: TaskType,
  params: unknown,
  role: SubmitterRole,
  caller: Caller = {},
): SubmitRefusal | null {
  const definition: TaskDefinition = TASK_CATALOG[type];
  for (const rule of definition.restrictedParams ?? []) {
    if (!rule.roles.includes(role) && rule.used(params, caller)) {
      return {
        path: `/params${rule.path}`,
        message: `only ${describeRoles(rule.roles)} may set it this way: ${rule.reason}`,
      };
    }
  }
  return null;
}

/** The task types `role` may submit: what a client offers, and what a schedule may hold. */
export function submittableTypes(role: SubmitterRole): TaskType[] {
  return (Object.keys(TASK_CATALOG) as TaskType[]).filter((t) =>
    TASK_CATALOG[t].roles.includes(role),
  );
}

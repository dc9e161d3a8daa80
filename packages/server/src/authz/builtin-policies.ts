/**
 * The built-in policy documents (ARCHITECTURE.md, "Cedar model").
 *
 * - `root` is shown for reference but never evaluated: a root token (`Role::"root"`) is allowed
 *   before Cedar is consulted, so no user `forbid` can shadow it. It cannot be written or deleted.
 * - `default` mirrors Vault's default policy; every token carries `Role::"default"` unless created
 *   with `no_default_policy`. It may be edited (not deleted); the edited text replaces this one.
 * - `response-wrapping` lets a wrapping token look itself up and unwrap; it cannot be changed.
 *
 * The resources are exactly what the path declarations emit: `auth/token/*-self` (token engine,
 * `tokenResource`), `sys/capabilities-self`, `cubbyhole` (the cubbyhole engine's `<mount><path>`,
 * which is already private per token), `sys/wrapping/lookup|unwrap` (action `update` for both
 * HTTP read and write, as `system/path-wrapping.ts` declares) and `sys/tools/hash[/:algorithm]`
 * (Vault's "general purpose tools", `system/path-tools.ts`).
 */
export const ROOT_POLICY = 'root';
export const DEFAULT_POLICY = 'default';
export const WRAPPING_POLICY = 'response-wrapping';

export const ROOT_POLICY_TEXT = `// Built in: the root token may do anything. Evaluated before every other policy; cannot be
// changed, deleted or shadowed by a forbid.
permit (principal in Role::"root", action, resource);
`;

export const DEFAULT_POLICY_TEXT = `// Built in, editable: what every token (Role::"default") may do to itself, as Vault's default policy.
@id("lookup-self")
permit (principal in Role::"default", action == Action::"read", resource == Secret::"auth/token/lookup-self");
@id("renew-self")
permit (principal in Role::"default", action == Action::"renew", resource == Secret::"auth/token/renew-self");
@id("revoke-self")
permit (principal in Role::"default", action == Action::"revoke", resource == Secret::"auth/token/revoke-self");
@id("capabilities-self")
permit (principal in Role::"default", action == Action::"update", resource == Secret::"sys/capabilities-self");
@id("cubbyhole")
permit (
  principal in Role::"default",
  action in [Action::"read", Action::"create", Action::"update", Action::"delete", Action::"list"],
  resource in Secret::"cubbyhole"
);
@id("wrapping-lookup")
permit (principal in Role::"default", action == Action::"update", resource == Secret::"sys/wrapping/lookup");
@id("wrapping-unwrap")
permit (principal in Role::"default", action == Action::"update", resource == Secret::"sys/wrapping/unwrap");
@id("tools-hash")
permit (principal in Role::"default", action == Action::"update", resource in Secret::"sys/tools/hash");
`;

export const WRAPPING_POLICY_TEXT = `// Built in: a response-wrapping token may look itself up and unwrap.
@id("lookup")
permit (principal in Role::"response-wrapping", action == Action::"update", resource == Secret::"sys/wrapping/lookup");
@id("unwrap")
permit (principal in Role::"response-wrapping", action == Action::"update", resource == Secret::"sys/wrapping/unwrap");
`;

/** Built-in documents that cannot be written or deleted. */
export const READ_ONLY_POLICIES: ReadonlySet<string> = new Set([ROOT_POLICY, WRAPPING_POLICY]);

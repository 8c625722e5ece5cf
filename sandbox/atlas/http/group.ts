import { groupNotFound, invalidGroupId } from "../error-codes";
import { isObjectId } from "../ids";
import type { AtlasRuntime } from "../runtime";
import type { Group } from "../store/groups";

/** The project a `{groupId}` path parameter names: 404 INVALID_GROUP_ID when malformed, GROUP_NOT_FOUND when unknown. */
export function requireGroup(rt: AtlasRuntime, groupId: string): Group {
  if (!isObjectId(groupId)) throw invalidGroupId(groupId);
  const g = rt.groups.get(groupId);
  if (!g) throw groupNotFound(groupId);
  return g;
}

import type { Principal } from "../auth/authenticate";
import { ackCommentTooLong, invalidAttribute, invalidJsonAttribute, missingAttribute } from "../error-codes";
import { bodyObject, onlyKnown, optBool, optString } from "../http/body";
import { atlasTime, parseDateTime } from "../time";

export type AckRequest = { kind: "ack"; until: string; comment?: string } | { kind: "unack" };

const MAX_COMMENT = 200;

/**
 * How far in the past `acknowledgedUntil` may lie. The specs are silent; real
 * Atlas answers 200 to "until now" as the Atlas CLI sends it (`--until`, RFC
 * 3339 truncated to the second: up to a second past when it arrives). The
 * sandbox accepts up to a minute past (clock skew, a slow client); such an
 * acknowledgement has already run out, so the alert is notified again as
 * usual. Anything older is 400 INVALID_ATTRIBUTE (README: sandbox).
 */
export const ACK_UNTIL_PAST_SECONDS = 60;

/** Alert fields a 2023-01-01 client may send back (the request schema is the whole AlertView); ignored. */
const ALERT_VIEW_READ_ONLY = [
  "id",
  "groupId",
  "orgId",
  "alertConfigId",
  "eventTypeName",
  "status",
  "created",
  "updated",
  "resolved",
  "lastNotified",
  "acknowledgingUsername",
  "links",
  "clusterName",
  "hostnameAndPort",
  "replicaSetName",
  "metricName",
  "currentValue",
  "nonRunningHostIds",
  "parentClusterId",
  "typeName",
];

/**
 * PATCH /alerts/{id}. Version 2024-05-30 (AcknowledgeAlert) acknowledges with
 * `acknowledgedUntil` or unacknowledges with `unacknowledgeAlert: true`;
 * 2023-01-01 (AlertView) unacknowledges by leaving `acknowledgedUntil` out,
 * as its description says. "Forever" is 100 years ahead.
 */
export function parseAck(body: unknown, version: string, now: Date): AckRequest {
  const o = bodyObject(body);
  let until: string | undefined;
  if (version === "2024-05-30") {
    onlyKnown(o, "", ["acknowledgedUntil", "acknowledgementComment", "unacknowledgeAlert"], ["links"]);
    if (optBool(o, "unacknowledgeAlert", "") === true) return { kind: "unack" };
    until = optString(o, "acknowledgedUntil", "");
    if (until === undefined) throw missingAttribute("acknowledgedUntil");
  } else {
    onlyKnown(o, "", ["acknowledgedUntil", "acknowledgementComment"], ALERT_VIEW_READ_ONLY);
    until = optString(o, "acknowledgedUntil", "");
    if (until === undefined) return { kind: "unack" };
  }
  const at = parseDateTime(until);
  if (!at) throw invalidJsonAttribute("acknowledgedUntil", "an ISO 8601 date-time");
  if (at.getTime() < now.getTime() - ACK_UNTIL_PAST_SECONDS * 1000) {
    throw invalidAttribute("acknowledgedUntil", `must not be more than ${ACK_UNTIL_PAST_SECONDS} seconds in the past`);
  }
  // Atlas keeps no empty comment: the answer has no acknowledgementComment, as when none was sent.
  const comment = optString(o, "acknowledgementComment", "") || undefined;
  if (comment !== undefined && comment.length > MAX_COMMENT) throw ackCommentTooLong(MAX_COMMENT);
  return comment === undefined ? { kind: "ack", until: atlasTime(at) } : { kind: "ack", until: atlasTime(at), comment };
}

/**
 * `acknowledgingUsername` is an email in the spec; Atlas puts the user's
 * login there. For the sandbox's programmatic principals it is
 * `<client id or public key>@<kind>.atlas-sandbox.invalid` (sanitized).
 */
export function acknowledgingUsername(p: Principal | undefined): string {
  const local = (p?.name ?? "unknown").replace(/[^A-Za-z0-9._+-]/g, "-").replace(/^[.-]+|[.-]+$/g, "") || "unknown";
  return `${local}@${p?.kind ?? "api-key"}.atlas-sandbox.invalid`;
}

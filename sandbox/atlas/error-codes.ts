import { AtlasError, type FieldViolation } from "./errors";

/*
 * The error codes this sandbox answers with. Where the spec only has
 * "(This is just an example...)" codes, the names follow the MMS/Atlas public
 * API error-code list (GROUP_NOT_FOUND, INVALID_GROUP_ID, ALERT_CONFIG_NOT_FOUND,
 * MISSING_ATTRIBUTE, INVALID_ENUM_VALUE, ...). Codes marked "sandbox choice"
 * were not found in any public source; the status is what matters to clients.
 */

const field = (f: string, description: string): FieldViolation[] => [{ field: f, description }];

// --- media types and auth -------------------------------------------------

export const invalidVersion = () => new AtlasError(406, "INVALID_VERSION_DATE", "Invalid accept header or version date.");

/** Sandbox choice (code): a body whose Content-Type is not the operation's versioned media type. */
export const unsupportedMediaType = (got: string, expected: readonly string[]) =>
  new AtlasError(415, "UNSUPPORTED_MEDIA_TYPE", `Invalid content type ${got || "(none)"}; use ${expected.join(" or ")}.`, [got]);

/** Sandbox choice (code): real Atlas answers 401 with "You are not authorized for this resource.". */
export const unauthorized = (headers: Record<string, string> = {}) =>
  new AtlasError(401, "UNAUTHORIZED", "You are not authorized for this resource.", [], undefined, headers);

export const rateLimited = (retryAfterSeconds: number, limit: number) =>
  new AtlasError(
    429,
    "RATE_LIMITED_TOKEN_BUCKET",
    `Resource is limited to ${limit} requests in a burst; retry after ${retryAfterSeconds} seconds.`,
    [],
    undefined,
    { "retry-after": retryAfterSeconds, "ratelimit-limit": limit, "ratelimit-remaining": 0 },
  );

// --- not found --------------------------------------------------------------

export const resourceNotFound = (path: string) => new AtlasError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${path}.`, [path]);

/** MMS lists INVALID_GROUP_ID as a 404, and the spec documents 404 (not 400) on every group operation. */
export const invalidGroupId = (id: string) => new AtlasError(404, "INVALID_GROUP_ID", `An invalid group ID ${id} was specified.`, [id]);
export const groupNotFound = (id: string) => new AtlasError(404, "GROUP_NOT_FOUND", `No group with ID ${id} exists.`, [id]);

export const invalidAlertConfigId = (id: string) =>
  new AtlasError(404, "INVALID_ALERT_CONFIG_ID", `An invalid alert configuration ID ${id} was specified.`, [id]);
export const alertConfigNotFound = (id: string, groupId: string) =>
  new AtlasError(404, "ALERT_CONFIG_NOT_FOUND", `No alert configuration with ID ${id} exists in group ${groupId}.`, [id, groupId]);

export const invalidAlertId = (id: string) => new AtlasError(404, "INVALID_ALERT_ID", `An invalid alert ID ${id} was specified.`, [id]);
export const alertNotFound = (id: string, groupId: string) =>
  new AtlasError(404, "ALERT_NOT_FOUND", `No alert with ID ${id} exists in group ${groupId}.`, [id, groupId]);

/** Sandbox choice (code). */
export const integrationNotFound = (type: string, groupId: string) =>
  new AtlasError(404, "INTEGRATION_NOT_FOUND", `No integration of type ${type} exists in group ${groupId}.`, [type, groupId]);

// --- conflicts ----------------------------------------------------------------

/** Sandbox choice (code): the spec documents 409 for a second integration of one type. */
export const integrationAlreadyConfigured = (type: string, groupId: string) =>
  new AtlasError(409, "INTEGRATION_ALREADY_CONFIGURED", `An integration of type ${type} is already configured in group ${groupId}; update it with PUT.`, [
    type,
    groupId,
  ]);

// --- bad requests -------------------------------------------------------------

export const invalidJson = (why = "Received JSON does not match expected format.") => new AtlasError(400, "INVALID_JSON", why);
export const malformedJson = () => new AtlasError(400, "INVALID_JSON", "Received JSON is malformed.");
export const payloadTooLarge = (limit: number) => new AtlasError(413, "PAYLOAD_TOO_LARGE", `Request body exceeds ${limit} bytes.`, [String(limit)]);

export const invalidJsonAttribute = (path: string, expected: string) =>
  new AtlasError(
    400,
    "INVALID_JSON_ATTRIBUTE",
    `Received JSON for the ${path} attribute does not match expected format.`,
    [path],
    field(path, `must be ${expected}`),
  );

export const missingAttribute = (path: string) =>
  new AtlasError(400, "MISSING_ATTRIBUTE", `The required attribute ${path} was not specified.`, [path], field(path, "is required"));

export const invalidAttribute = (path: string, why?: string) =>
  new AtlasError(
    400,
    "INVALID_ATTRIBUTE",
    why ? `Invalid attribute ${path} specified: ${why}` : `Invalid attribute ${path} specified.`,
    [path],
    field(path, why ?? "is not accepted here"),
  );

export const invalidEnumValue = (value: string, path: string, allowed: readonly string[]) =>
  new AtlasError(
    400,
    "INVALID_ENUM_VALUE",
    `An invalid enumeration value ${value} was specified.`,
    [value],
    field(path, allowed.length <= 12 ? `must be one of ${allowed.join(", ")}` : "is not a value the specification lists"),
  );

export const attributeNegative = (path: string) =>
  new AtlasError(400, "ATTRIBUTE_NEGATIVE", `The attribute ${path} cannot be negative.`, [path], field(path, "must be >= 0"));

export const missingOneOf = (path: string, a: string, b: string) =>
  new AtlasError(
    400,
    "MISSING_ONE_OF_ATTRIBUTES",
    `Either the ${a} attribute or the ${b} attribute must be specified.`,
    [a, b],
    field(path, `needs ${a} or ${b}`),
  );

export const invalidQueryParameter = (name: string, why: string) =>
  new AtlasError(400, "INVALID_QUERY_PARAMETER", `Invalid query parameter ${name} specified.`, [name], field(name, why));

export const missingNotifications = () =>
  new AtlasError(
    400,
    "MISSING_NOTIFICATIONS",
    "At least one notification must be specified for an alert configuration.",
    [],
    field("notifications", "needs 1 to 25 items"),
  );

export const tooManyGroupNotifications = () =>
  new AtlasError(400, "TOO_MANY_GROUP_NOTIFICATIONS", "At most one group notification can be specified for an alert configuration.");

export const notificationIntervalOutOfRange = (path: string) =>
  new AtlasError(400, "NOTIFICATION_INTERVAL_OUT_OF_RANGE", "Notifications must have an interval of at least 5 minutes.", [], field(path, "must be >= 5"));

export const thresholdPresent = (eventType: string) =>
  new AtlasError(
    400,
    "THRESHOLD_PRESENT",
    `A threshold is not accepted for event type ${eventType}.`,
    [eventType],
    field("threshold", "not accepted for this event type"),
  );
export const metricThresholdPresent = (eventType: string) =>
  new AtlasError(
    400,
    "METRIC_THRESHOLD_PRESENT",
    `A metric threshold is not accepted for event type ${eventType}.`,
    [eventType],
    field("metricThreshold", "not accepted for this event type"),
  );
export const missingMetricThreshold = (eventType: string) =>
  new AtlasError(
    400,
    "MISSING_METRIC_THRESHOLD",
    `A metric threshold must be specified for event type ${eventType}.`,
    [eventType],
    field("metricThreshold", "is required"),
  );
export const invalidMetricName = (name: string, path: string) =>
  new AtlasError(400, "INVALID_METRIC_NAME", `An invalid metric name ${name} was specified.`, [name], field(path, "is not a metric of this event type"));

export const webhookUrlNotSet = (path: string) =>
  new AtlasError(
    400,
    "WEBHOOK_URL_NOT_SET",
    "Webhook URL must be set in the group before adding webhook notifications.",
    [],
    field(path, "needs webhookUrl, integrationId or a WEBHOOK integration"),
  );

export const ackCommentTooLong = (max: number) =>
  new AtlasError(
    400,
    "ACKNOWLEDGEMENT_COMMENT_TOO_LONG",
    `Acknowledgement comment too long. It must not exceed ${max} characters.`,
    [String(max)],
    field("acknowledgementComment", `at most ${max} characters`),
  );

/** Sandbox choice (code): acknowledging a CANCELLED alert (never recorded on real Atlas; CLOSED ones are accepted). */
export const alertNotAcknowledgeable = (id: string, status: string) =>
  new AtlasError(400, "CANNOT_ACKNOWLEDGE_ALERT", `Alert ${id} is ${status} and cannot be acknowledged.`, [id, status]);

export const unexpectedError = () => new AtlasError(500, "UNEXPECTED_ERROR", "Unexpected error.");

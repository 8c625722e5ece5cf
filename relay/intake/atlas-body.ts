import { z } from "zod";

const objectId = z.string().regex(/^[0-9a-f]{24}$/, "24 lowercase hexadecimal digits");
const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "an ISO 8601 date-time");

/** The fields of an Atlas alert webhook the relay uses; everything else is ignored (Atlas adds fields). */
export const atlasAlertBody = z.looseObject({
  id: objectId,
  groupId: objectId,
  alertConfigId: objectId.optional(),
  eventTypeName: z.string().min(1).max(200),
  status: z.enum(["TRACKING", "OPEN", "CLOSED", "CANCELLED"]).optional(),
  created: dateTime.optional(),
  updated: dateTime.optional(),
  resolved: dateTime.optional(),
  acknowledgedUntil: dateTime.optional(),
  acknowledgingUsername: z.string().max(500).optional(),
  humanReadable: z.string().optional(),
  clusterName: z.string().max(500).optional(),
  hostnameAndPort: z.string().max(500).optional(),
  replicaSetName: z.string().max(500).optional(),
  metricName: z.string().max(500).optional(),
  currentValue: z.looseObject({ number: z.number().optional(), units: z.string().optional() }).optional(),
});

export type AtlasAlertBody = z.infer<typeof atlasAlertBody>;

import { randomBytes } from "node:crypto";

/** Atlas ids (projects, integrations, alert configurations, alerts, notifiers): 24 lowercase hex digits. */
export const OBJECT_ID = /^[a-f0-9]{24}$/;

let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * A new id laid out like a MongoDB ObjectId (4-byte seconds, 5 random bytes,
 * 3-byte counter), so ids sort roughly by creation like real Atlas ids do.
 */
export function newObjectId(): string {
  const buf = Buffer.alloc(12);
  buf.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  randomBytes(5).copy(buf, 4);
  counter = (counter + 1) % 0xffffff;
  buf.writeUIntBE(counter, 9, 3);
  return buf.toString("hex");
}

export function isObjectId(value: unknown): value is string {
  return typeof value === "string" && OBJECT_ID.test(value);
}

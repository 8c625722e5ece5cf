import { DEFAULT_REGION, type Region } from "../../lib/regions";
import type { Sandbox } from "../../sandbox";
import { atlasApi, pagerDutyApi } from "../../scripts/lib/sandbox-api";
import { parseResponse } from "./fetch";

/**
 * Test-side shorthands over scripts/lib/sandbox-api (what a person does by
 * hand in the project UI and in PagerDuty) that keep the status code, so
 * tests can assert refusals as well as successes.
 */

async function parsed(res: Response): Promise<{ status: number; body: any }> {
  const { status, body } = await parseResponse(res);
  return { status, body };
}

export async function atlas(sb: Sandbox, method: string, path: string, body?: unknown, mediaType?: string): Promise<{ status: number; body: any }> {
  return parsed(await atlasApi(sb).call(method, path, body, mediaType));
}

export async function pd(
  sb: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  region: Region = DEFAULT_REGION,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  return parsed(await pagerDutyApi(sb, region).call(method, path, body, extraHeaders));
}

/** A PagerDuty service with one Events API v2 integration: their ids and the key. */
export function makeService(sb: Sandbox, name: string, region: Region = DEFAULT_REGION): Promise<{ serviceId: string; integrationId: string; key: string }> {
  return pagerDutyApi(sb, region).serviceWithKey(name);
}

/** Incidents whose incident_key is `dedupKey`. */
export function incidentsFor(sb: Sandbox, dedupKey: string, region: Region = DEFAULT_REGION): Promise<any[]> {
  return pagerDutyApi(sb, region).incidents(dedupKey);
}

export function newProjectId(): string {
  return require("node:crypto").randomBytes(12).toString("hex");
}

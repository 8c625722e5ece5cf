import type { Clients } from "../clients";
import { upstreamFailure } from "../errors";
import type { Discovered } from "../import/discovery";
import { INTEGRATION_TYPE, integrationResourceId } from "./types";

/** The project's PagerDuty integration, if it has one: one PagerDutyIntegration to import. */
export async function discoverIntegration(projectId: string, clients: Clients): Promise<Discovered> {
  const live = await clients.atlas.getIntegration(projectId, INTEGRATION_TYPE).catch((err: unknown) => {
    throw upstreamFailure(`reading the PagerDuty integration of project ${projectId}`, err);
  });
  if (!live) return { found: [], skipped: [] };
  return {
    found: [
      {
        object: `integration/${INTEGRATION_TYPE}`,
        name: "pagerduty",
        id: integrationResourceId(projectId),
        note: "set integrationKey to the key the project uses (the project API shows only its last 4 characters): the next pulumi up adopts it without an alert",
      },
    ],
    skipped: [],
  };
}

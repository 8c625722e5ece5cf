import type { Links } from "../links";
import type { Agent, IncidentRow } from "../store/incidents";
import type { ServiceRow } from "../store/services";

export type IncidentEventType = "incident.triggered" | "incident.acknowledged" | "incident.unacknowledged" | "incident.resolved";

/** A reference with links, in the shape webhook payloads use (`html_url, id, self, summary, type`). */
function ref(type: string, id: string, summary: string | null, l: { self: string; html_url: string }) {
  return { html_url: l.html_url, id, self: l.self, summary, type };
}

export function agentRef(agent: Agent, links: Links) {
  const l = agent.type === "user_reference" ? links.user(agent.id) : links.service(agent.id);
  return ref(agent.type, agent.id, agent.summary, l);
}

/**
 * The v3 webhook body for an incident event, field for field like the
 * captured deliveries in pagerduty-webhook-v3-samples.json, plus
 * `incident_key` (present in the documentation example; absent from some real
 * captures, so receivers must not rely on it).
 */
export function incidentEnvelope(
  p: { eventId: string; eventType: IncidentEventType; occurredAt: string; agent: Agent | null; incident: IncidentRow; service: ServiceRow },
  links: Links,
) {
  const { incident, service } = p;
  const l = links.incident(incident.id);
  return {
    event: {
      id: p.eventId,
      event_type: p.eventType,
      resource_type: "incident",
      occurred_at: p.occurredAt,
      agent: p.agent ? agentRef(p.agent, links) : null,
      client: null,
      data: {
        id: incident.id,
        type: "incident",
        self: l.self,
        html_url: l.html_url,
        number: incident.number,
        status: incident.status,
        incident_key: incident.incident_key,
        created_at: incident.created_at,
        title: incident.title,
        service: ref("service_reference", service.id, service.name, links.service(service.id)),
        assignees: [],
        escalation_policy: ref("escalation_policy_reference", service.escalation_policy_id, "Default", links.escalationPolicy(service.escalation_policy_id)),
        teams: [],
        priority: null,
        urgency: incident.urgency,
        conference_bridge: null,
        resolve_reason: null,
      },
    },
  };
}

/** `POST /webhook_subscriptions/{id}/ping` sends this test event. */
export function pingEnvelope(eventId: string, occurredAt: string) {
  return {
    event: {
      id: eventId,
      event_type: "pagey.ping",
      resource_type: "pagey",
      occurred_at: occurredAt,
      agent: null,
      client: null,
      data: { message: "Hello from your friend Pagey!", type: "ping" },
    },
  };
}

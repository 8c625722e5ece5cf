import type { Region } from "./deps";

/**
 * `self` and `html_url` values. They point at reserved `.invalid` hosts on
 * purpose: the sandbox must never hand out links to the real service, and the
 * specs' `format: url` rejects loopback addresses, so the sandbox's own
 * address cannot be used either. The dashboard (`GET /`) is the human view.
 */
export function links(region: Region) {
  const r = region.toLowerCase();
  const api = `https://api.${r}.pagerduty-sandbox.invalid`;
  const web = `https://app.${r}.pagerduty-sandbox.invalid`;
  return {
    service: (id: string) => ({ self: `${api}/services/${id}`, html_url: `${web}/service-directory/${id}` }),
    integration: (serviceId: string, id: string) => ({
      self: `${api}/services/${serviceId}/integrations/${id}`,
      html_url: `${web}/services/${serviceId}/integrations/${id}`,
    }),
    incident: (id: string) => ({ self: `${api}/incidents/${id}`, html_url: `${web}/incidents/${id}` }),
    alert: (id: string) => ({ self: `${api}/alerts/${id}`, html_url: `${web}/alerts/${id}` }),
    logEntry: (incidentId: string, id: string) => ({
      self: `${api}/log_entries/${id}?incident_id=${incidentId}`,
      html_url: `${web}/incidents/${incidentId}/log_entries/${id}`,
    }),
    escalationPolicy: (id: string) => ({ self: `${api}/escalation_policies/${id}`, html_url: `${web}/escalation_policies/${id}` }),
    user: (id: string) => ({ self: `${api}/users/${id}`, html_url: `${web}/users/${id}` }),
  };
}

export type Links = ReturnType<typeof links>;

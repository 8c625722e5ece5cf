import type { AtlasContext } from "./deps";
import type { DigestAuth } from "./auth/digest";
import type { TokenBuckets } from "./http/rate-limit";
import type { AlertEngine } from "./lifecycle/engine";
import type { OutboxWorker } from "./notify/outbox-worker";
import type { AlertConfigStore } from "./store/alert-configs";
import type { AlertStore } from "./store/alerts";
import type { GroupStore } from "./store/groups";
import type { IntegrationStore } from "./store/integrations";
import type { InboxStore } from "./store/inbox";
import type { OutboxStore } from "./store/outbox";
import type { TokenStore } from "./store/tokens";

/** Everything the routes share: settings, stores and the alert machinery. */
export interface AtlasRuntime {
  ctx: AtlasContext;
  groups: GroupStore;
  integrations: IntegrationStore;
  alertConfigs: AlertConfigStore;
  alerts: AlertStore;
  outbox: OutboxStore;
  inbox: InboxStore;
  tokens: TokenStore;
  digest: DigestAuth;
  buckets?: TokenBuckets;
  engine: AlertEngine;
  worker: OutboxWorker;
}

import type * as dynamic from "@pulumi/pulumi/dynamic";
import { clientsFor } from "../clients";
import { type ConfigureRequest, readProviderConfig, type ProviderConfig } from "../config";
import type { NamedDiff } from "../inputs";
import { importedInstanceId } from "../integration/instance";
import { checkRouting } from "./check";
import { diffRouting } from "./diff";
import { createRouting, deleteRouting, readRouting, updateRouting } from "./lifecycle";
import type { RoutingInputs, RoutingOutputs } from "./types";

/** The AlertRouting dynamic provider; like PagerDutyIntegrationProvider it holds nothing until `configure()`. */
export class AlertRoutingProvider implements dynamic.ResourceProvider<RoutingInputs, RoutingOutputs> {
  private config: ProviderConfig | undefined;

  async configure(req: ConfigureRequest): Promise<void> {
    this.config = readProviderConfig(req.config, process.env, req.namespace);
  }

  async check(_olds: RoutingInputs, news: RoutingInputs): Promise<dynamic.CheckResult<RoutingInputs>> {
    return checkRouting(news as unknown as Record<string, unknown>, this.config);
  }

  async diff(_id: string, olds: RoutingOutputs, news: RoutingInputs): Promise<NamedDiff> {
    return diffRouting(olds, news);
  }

  async create(inputs: RoutingInputs): Promise<dynamic.CreateResult<RoutingOutputs>> {
    return createRouting(inputs, clientsFor(this.config));
  }

  async read(id: string, props?: RoutingOutputs): Promise<dynamic.ReadResult<RoutingOutputs>> {
    const res = await readRouting(id, props ?? {}, clientsFor(this.config));
    // Read without state (`pulumi import`): reference the integration's instance by the id its notification holds.
    if (!props?.integrationInstanceId && res.props?.delivery === "native" && res.props.integrationId) {
      const instanceId = importedInstanceId(res.props.integrationId);
      res.props.integrationInstanceId = instanceId;
      if (res.inputs) res.inputs.integrationInstanceId = instanceId;
    }
    if (res.inputs) delete (res.inputs as Partial<RoutingOutputs>).integrationId; // an output, not an input
    return res;
  }

  async update(id: string, olds: RoutingOutputs, news: RoutingInputs): Promise<dynamic.UpdateResult<RoutingOutputs>> {
    return updateRouting(id, olds, news, clientsFor(this.config));
  }

  async delete(id: string): Promise<void> {
    return deleteRouting(id, clientsFor(this.config));
  }
}

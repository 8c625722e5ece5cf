import type * as dynamic from "@pulumi/pulumi/dynamic";
import { clientsFor } from "../clients";
import { type ConfigureRequest, readProviderConfig, type ProviderConfig } from "../config";
import type { NamedDiff } from "../inputs";
import { checkIntegration } from "./check";
import { adoptsKey, diffIntegration } from "./diff";
import { createIntegration, deleteIntegration, readIntegration, updateIntegration } from "./lifecycle";
import type { IntegrationInputs, IntegrationOutputs } from "./types";

/**
 * The PagerDutyIntegration dynamic provider, loaded in the provider host through
 * provider/runtime.ts (state holds only sdk/stub.ts's one line): it holds no
 * clients or credentials until `configure()` runs there.
 */
export class PagerDutyIntegrationProvider implements dynamic.ResourceProvider<IntegrationInputs, IntegrationOutputs> {
  private config: ProviderConfig | undefined;

  async configure(req: ConfigureRequest): Promise<void> {
    this.config = readProviderConfig(req.config, process.env, req.namespace);
  }

  async check(olds: IntegrationInputs, news: IntegrationInputs): Promise<dynamic.CheckResult<IntegrationInputs>> {
    return checkIntegration(news as unknown as Record<string, unknown>, this.config, (olds ?? {}) as unknown as Record<string, unknown>);
  }

  async diff(_id: string, olds: IntegrationOutputs, news: IntegrationInputs): Promise<NamedDiff> {
    return diffIntegration(olds, news);
  }

  async create(inputs: IntegrationInputs): Promise<dynamic.CreateResult<IntegrationOutputs>> {
    return createIntegration(inputs, clientsFor(this.config));
  }

  async read(id: string, props?: IntegrationOutputs): Promise<dynamic.ReadResult<IntegrationOutputs>> {
    return readIntegration(id, (props ?? {}) as IntegrationOutputs & Record<string, unknown>, clientsFor(this.config));
  }

  async update(id: string, olds: IntegrationOutputs, news: IntegrationInputs): Promise<dynamic.UpdateResult<IntegrationOutputs>> {
    const res = await updateIntegration(id, olds, news, clientsFor(this.config));
    // An imported integration's real key, supplied by the program: state takes it (updateIntegration wrote nothing).
    if (res.outs && adoptsKey(olds, news) && res.outs.integrationKey === olds.integrationKey) res.outs.integrationKey = news.integrationKey!;
    return res;
  }

  async delete(id: string, props: IntegrationOutputs): Promise<void> {
    return deleteIntegration(id, props, clientsFor(this.config));
  }
}

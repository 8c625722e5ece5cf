import * as path from "node:path";
import { ProviderHost, repoRoot } from "./provider-host";

/**
 * The provider plugin (`dist/provider/plugin/main.js`, what the launcher
 * `pulumi-resource-pagerduty-as-code` runs) driven over gRPC as the engine
 * drives it: the same calls as the dynamic-provider host (ProviderHost), plus
 * what only the plugin does: configure from the package's stack config with
 * secrets, GetSchema, detailed diffs.
 */
export const PLUGIN_MAIN = path.join(repoRoot, "dist/provider/plugin/main.js");

export class PluginHost extends ProviderHost {
  /** Starts the plugin process with `env` added to this process's environment (the harness passes none of the provider's settings). */
  static startPlugin(env: NodeJS.ProcessEnv = {}): Promise<PluginHost> {
    return PluginHost.start(env, PLUGIN_MAIN);
  }

  /**
   * Configure as the engine sends it for the plugin's default provider: the
   * package's stack config under `pagerduty-as-code:` as `args` (keys without
   * the namespace), the secret ones wrapped as secrets, secrets accepted.
   */
  async configurePlugin(config: Record<string, string>, secretKeys: string[] = []): Promise<{ acceptSecrets: boolean }> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
      const key = k.replace(/^pagerduty-as-code:/, "");
      args[key] = secretKeys.includes(k) ? { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: v } : v;
    }
    const req = new proto.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const res = await this.call<any>("configure", req);
    return { acceptSecrets: res.getAcceptsecrets() };
  }

  async getSchema(): Promise<any> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const res = await this.call<any>("getSchema", new proto.GetSchemaRequest());
    return JSON.parse(res.getSchema());
  }

  async checkConfig(news: Record<string, unknown>): Promise<Array<{ property: string; reason: string }>> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    const req = new proto.CheckRequest();
    req.setUrn("urn:pulumi:test::pdac-test::pulumi:providers:pagerduty-as-code::default");
    req.setOlds(Struct.fromJavaScript({}));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.call<any>("checkConfig", req);
    return res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() }));
  }
}

/** A URN of the plugin's resource type. */
export function pluginUrn(type: "PagerDutyIntegration" | "AlertRouting" | "AlertNotification", name: string): string {
  return `urn:pulumi:test::pdac-test::pagerduty-as-code:index:${type}::${name}`;
}

/** Pulumi's secret envelope, as the engine sends a secret input and the plugin returns a secret output. */
export function secretValue(value: unknown): Record<string, unknown> {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

import type * as dynamic from "@pulumi/pulumi/dynamic";
import { clientsFor } from "../clients";
import { type ConfigureRequest, readProviderConfig, type ProviderConfig } from "../config";
import type { NamedDiff } from "../inputs";
import { checkNotification } from "./check";
import { diffNotification } from "./diff";
import { createNotification, deleteNotification, readNotification, updateNotification } from "./lifecycle";
import type { NotificationInputs, NotificationOutputs } from "./schema";

/** The AlertNotification dynamic provider; like the others it holds nothing until `configure()`. */
export class AlertNotificationProvider implements dynamic.ResourceProvider<NotificationInputs, NotificationOutputs> {
  private config: ProviderConfig | undefined;

  async configure(req: ConfigureRequest): Promise<void> {
    this.config = readProviderConfig(req.config, process.env, req.namespace);
  }

  async check(_olds: NotificationInputs, news: NotificationInputs): Promise<dynamic.CheckResult<NotificationInputs>> {
    return checkNotification(news as unknown as Record<string, unknown>, this.config);
  }

  async diff(_id: string, olds: NotificationOutputs, news: NotificationInputs): Promise<NamedDiff> {
    return diffNotification(olds, news);
  }

  async create(inputs: NotificationInputs): Promise<dynamic.CreateResult<NotificationOutputs>> {
    return createNotification(inputs, clientsFor(this.config));
  }

  async read(id: string, props?: NotificationOutputs): Promise<dynamic.ReadResult<NotificationOutputs>> {
    return readNotification(id, props ?? ({} as NotificationOutputs), clientsFor(this.config));
  }

  async update(id: string, olds: NotificationOutputs, news: NotificationInputs): Promise<dynamic.UpdateResult<NotificationOutputs>> {
    return updateNotification(id, olds, news, clientsFor(this.config));
  }

  async delete(id: string, props: NotificationOutputs): Promise<void> {
    return deleteNotification(id, props, clientsFor(this.config));
  }
}

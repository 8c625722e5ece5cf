import type { FastifyInstance } from "fastify";
import type { PdContext } from "../deps";
import type { FaultInjector } from "../faults";
import { sandboxState } from "../sandbox/state";
import { renderDashboard } from "./page";

export function registerDashboard(app: FastifyInstance, ctx: PdContext, faults: FaultInjector): void {
  app.get("/", async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      // Belt and braces on top of escaping: the page needs nothing but its inline style.
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
      .header("x-content-type-options", "nosniff")
      .send(renderDashboard(sandboxState(ctx, faults.pending()))),
  );
}

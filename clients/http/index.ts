export * from "./errors";
export * from "./retry";
export * from "./client";

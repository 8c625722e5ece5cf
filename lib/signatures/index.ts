export { mmsSignature, verifyMmsSignature } from "./atlas";
export { signatureHeader, verifyPagerDutySignature } from "./pagerduty";

// Must NOT type-check: tests/integration/test_typescript_client.py asserts that `tsc --strict` refuses
// exactly the marked line, which proves the generated types are real (not `any`) and that a client
// cannot send what the schema forbids without the compiler saying so.
import type { components } from "../src/loom-api.js";

type WebAnalytics = components["schemas"]["digital_web_analytics_v1"];

export const reading: WebAnalytics = {
  device_id: "browser-extension-7",
  recorded_at: "2025-07-08T14:53:08.412Z",
  url: "https://en.wikipedia.org/wiki/Apache_Kafka",
  event_type: "page_close",
  visit_duration_seconds: "143.2", // wrong type: the schema says number
};

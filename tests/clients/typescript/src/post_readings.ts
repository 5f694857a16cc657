/**
 * What a browser extension's TypeScript does to upload browsing events to Loom Gateway: types
 * generated from the gateway's served OpenAPI document (`openapi-typescript <url>/openapi.json -o
 * src/loom-api.ts`), requests through openapi-fetch, typed end to end (paths, bodies, answers).
 *
 *   node out/post_readings.js <base url> <device id> <message id> <message id>...
 *
 * The first message id is posted alone with `X-API-Key: $LOOM_API_KEY`; the others as one JSON array
 * with `Authorization: Bearer $LOOM_BEARER_KEY`. Then a reading the schema refuses, and one with a key
 * the gateway does not know. Prints one JSON object: what the gateway answered to each.
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./loom-api.js";

type WebAnalytics = components["schemas"]["digital_web_analytics_v1"];
type Problem = components["schemas"]["Problem"];

const [baseUrl, deviceId, singleId, ...batchIds] = process.argv.slice(2);
const apiKey = process.env["LOOM_API_KEY"];
const bearerKey = process.env["LOOM_BEARER_KEY"];
if (!baseUrl || !deviceId || !singleId || batchIds.length === 0 || !apiKey || !bearerKey) {
  console.error("usage: LOOM_API_KEY=… LOOM_BEARER_KEY=… node out/post_readings.js <base url> <device id> <message id>…");
  process.exit(2);
}

function browsingEvent(messageId: string, eventType: WebAnalytics["event_type"], seconds: number | null): WebAnalytics {
  return {
    device_id: deviceId!,
    recorded_at: new Date().toISOString(),
    message_id: messageId,
    url: "https://en.wikipedia.org/wiki/Apache_Kafka",
    title: "Apache Kafka - Wikipedia",
    domain: "en.wikipedia.org",
    visit_duration_seconds: seconds,
    browser: "firefox",
    tab_id: 17,
    event_type: eventType,
  };
}

function problem(error: Problem | undefined): { title: string; pointers: string[] } | null {
  return error ? { title: error.title, pointers: (error.errors ?? []).map((item) => item.pointer) } : null;
}

const client = createClient<paths>({ baseUrl });

const single = await client.POST("/digital/web-analytics", {
  body: browsingEvent(singleId, "page_view", null),
  headers: { "X-API-Key": apiKey },
});
const batch = await client.POST("/digital/web-analytics", {
  body: batchIds.map((id, index) => browsingEvent(id, index % 2 ? "scroll" : "page_close", 12.5 * (index + 1))),
  headers: { Authorization: `Bearer ${bearerKey}` },
});
// Well typed (a number), but below the schema's minimum of 0: the gateway answers 422.
const refused = await client.POST("/digital/web-analytics", {
  body: browsingEvent(crypto.randomUUID(), "page_close", -1),
  headers: { "X-API-Key": apiKey },
});
const unknownKey = await client.POST("/digital/web-analytics", {
  body: browsingEvent(crypto.randomUUID(), "page_view", null),
  headers: { "X-API-Key": "not-a-key-of-this-gateway-0123" },
});

const one = single.data && "message_id" in single.data ? single.data : undefined;
const many = batch.data && "results" in batch.data ? batch.data : undefined;
console.log(
  JSON.stringify({
    single: { status: single.response.status, message_id: one?.message_id, topic: one?.topic },
    batch: { status: batch.response.status, total: many?.total, processed: many?.processed, failed: many?.failed },
    refused: { status: refused.response.status, problem: problem(refused.error) },
    unknown_key: { status: unknownKey.response.status, problem: problem(unknownKey.error) },
  }),
);

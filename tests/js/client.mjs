// The official OpenAI JavaScript SDK, unchanged but for its base URL, against the gateway.
// Prints one JSON object: what the unstreamed and streamed calls returned.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: "unused", maxRetries: 0 });
const messages = [{ role: "user", content: "Say hello." }];

const { data: completion, response } = await client.chat.completions
  .create({ model: "hybrid", messages, max_tokens: 8 })
  .withResponse();

const stream = await client.chat.completions.create({
  model: "hybrid/cloud", messages, max_tokens: 8, stream: true,
});
let streamed = "";
let last = null;
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
  last = chunk;
}

let notFound = null;
try {
  await client.chat.completions.create({ model: "gpt-9", messages });
} catch (error) {
  notFound = { status: error.status, code: error.code };
}

console.log(JSON.stringify({
  text: completion.choices[0].message.content,
  route_header: response.headers.get("x-hybrid-route"),
  hybrid: completion.hybrid,
  streamed,
  stream_route: last?.hybrid?.route,
  not_found: notFound,
}));

"""The JSON-lines protocol between the host and the engine process.

Host → engine, one object a line:
    {"op": "chat", "id": ID, "messages": [...], "max_tokens", "temperature", "top_p",
     "seed", "stop", "logprobs": bool}        logprobs: report each sampled token's
    {"op": "cancel", "id": ID}            stop generating for ID (takes effect between tokens)
    {"op": "bench", "id": ID, "decode_tokens": N, "runs": R}      best of R runs
    {"op": "count_tokens", "id": ID, "messages": [...]}
    {"op": "probe", "id": ID, "items": [{"text", "head"?, "then"?, "letters"?, "max_tokens"?}]}
                                          a router's probe (the engine needs logits_all)

Engine → host:
    {"event": "ready", "n_ctx", "n_ctx_train", "n_threads", "load_s", "pid"}   once, at start
    {"event": "fatal", "message"}                                            load failed
    {"event": "start", "id", "prompt_tokens"}
    {"event": "delta", "id", "text"}
    {"event": "done", "id", "finish_reason", "prompt_tokens", "completion_tokens",
     "logprobs": [float, ...] when asked}
    {"event": "error", "id", "code", "message", ...}
    {"event": "bench", "id", "prefill_tokens_per_s", "decode_tokens_per_s", ...}
    {"event": "count", "id", "prompt_tokens"}
    {"event": "probe", "id", "results": [{"log_probs": [...], "letters"?: [...]}, ...]}
"""

from __future__ import annotations

# About 120 tokens of ordinary prose: long enough to time prefill, short enough to be quick.
BENCH_PROMPT = (
    "The history of computing is a story of machines becoming smaller, faster and cheaper. "
    "Early computers filled whole rooms and consumed enormous amounts of electricity, yet "
    "they could perform only a few thousand operations each second. The invention of the "
    "transistor and later the integrated circuit changed everything: by packing millions "
    "and then billions of switches onto a single chip, engineers made it possible to carry "
    "more computing power in a pocket than existed in the entire world a few decades "
    "earlier. Today small language models run on laptops and phones, answering questions "
    "without sending a single byte to a distant data centre."
)

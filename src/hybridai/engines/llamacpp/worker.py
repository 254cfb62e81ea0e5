"""The on-device engine process: llama.cpp behind JSON lines on stdin/stdout.

It runs apart from the host so that a native crash (a segfault in llama.cpp) or a hang
costs one request, not the host. Started by ``LocalEngine`` as
``python -m hybridai.engines.llamacpp.worker '<json options>'``; see protocol.py for the messages.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from collections.abc import Generator
from typing import IO, Any, cast

from .messages import BENCH_PROMPT


class Worker:
    def __init__(self, options: dict[str, Any], out: IO[str]) -> None:
        self.options = options
        self.out = out
        self.cancelled: set[str] = set()
        self.lock = threading.Lock()
        self._probed: list[int] = []  # the tokens the last probe left evaluated

    def send(self, **message: Any) -> None:
        self.out.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.out.flush()

    def load(self) -> None:
        from llama_cpp import Llama, llama_chat_format

        started = time.perf_counter()
        self.llm = Llama(
            model_path=self.options["model_path"],
            n_ctx=self.options["n_ctx"],
            n_threads=self.options.get("n_threads"),
            n_batch=self.options.get("n_batch", 512),
            # A router's probe reads every position's distribution (n_ctx x vocab floats).
            logits_all=bool(self.options.get("logits_all", False)),
            verbose=False,
        )
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise RuntimeError("the model has no chat template in its GGUF metadata")
        model = self.llm._model
        eos_id, bos_id = self.llm.token_eos(), self.llm.token_bos()
        self.formatter = llama_chat_format.Jinja2ChatFormatter(
            template=template,
            eos_token=model.token_get_text(eos_id) if eos_id != -1 else "",
            bos_token=model.token_get_text(bos_id) if bos_id != -1 else "",
            stop_token_ids=[eos_id],
        )
        self.send(
            event="ready",
            n_ctx=self.llm.n_ctx(),
            n_ctx_train=self.llm._model.n_ctx_train(),
            n_threads=self.llm.n_threads,
            load_s=round(time.perf_counter() - started, 3),
            pid=os.getpid(),
        )

    def handle(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op != "probe":
            self._probed = []  # chat and bench evaluate other tokens
        if op == "chat":
            self.chat(message)
        elif op == "bench":
            self.bench(message)
        elif op == "probe":
            self.send(event="probe", id=message.get("id"),
                      results=[self.probe(item) for item in message["items"]])
        elif op == "count_tokens":
            tokens, _ = self.format_prompt(message["messages"])
            self.send(event="count", id=message["id"], prompt_tokens=len(tokens))
        else:
            self.send(event="error", id=message.get("id"), code="bad_op",
                      message=f"unknown op {op!r}")

    def format_prompt(self, messages: list[Any]) -> tuple[list[int], list[str]]:
        """The prompt's tokens under the model's chat template, and the template's stops."""
        formatted = self.formatter(messages=messages)
        stops = formatted.stop if isinstance(formatted.stop, list) else (
            [formatted.stop] if formatted.stop else [])
        tokens = self.llm.tokenize(formatted.prompt.encode("utf-8"),
                                   add_bos=not formatted.added_special, special=True)
        return tokens, stops

    def chat(self, message: dict[str, Any]) -> None:
        request_id = message["id"]
        tokens, template_stops = self.format_prompt(message["messages"])
        n_ctx = self.llm.n_ctx()
        max_tokens = message.get("max_tokens")
        needed = len(tokens) + (max_tokens or 1)
        if needed > n_ctx:
            self.send(event="error", id=request_id, code="context_length_exceeded",
                      message=f"{len(tokens)} prompt tokens + {max_tokens or 1} to generate "
                              f"exceed the device context of {n_ctx} tokens",
                      prompt_tokens=len(tokens), n_ctx=n_ctx)
            return
        self.send(event="start", id=request_id, prompt_tokens=len(tokens))
        sampling: dict[str, Any] = {}
        if message.get("temperature") is not None:
            sampling["temperature"] = message["temperature"]
        if message.get("top_p") is not None:
            sampling["top_p"] = message["top_p"]
        recorder = TokenLogprobs(self.llm) if message.get("logprobs") else None
        if recorder is not None:
            from llama_cpp import StoppingCriteriaList

            sampling["stopping_criteria"] = StoppingCriteriaList([recorder])
        # llama.cpp resets and re-evaluates shared prefixes itself; we pass the tokens.
        stream = cast(Generator[dict[str, Any], None, None], self.llm.create_completion(
            prompt=tokens,
            max_tokens=max_tokens or (n_ctx - len(tokens)),
            stop=[*template_stops, *(message.get("stop") or [])],
            seed=message.get("seed"),
            stream=True,
            **sampling,
        ))
        finish_reason = "stop"
        text_parts: list[str] = []
        try:
            for chunk in stream:
                choice = chunk["choices"][0]
                if request_id in self.cancelled:
                    finish_reason = "cancelled"
                    break
                if choice["text"]:
                    text_parts.append(choice["text"])
                    self.send(event="delta", id=request_id, text=choice["text"])
                if choice.get("finish_reason"):
                    finish_reason = choice["finish_reason"]
        finally:
            stream.close()
            self.cancelled.discard(request_id)
        completion = "".join(text_parts)
        completion_tokens = len(self.llm.tokenize(completion.encode("utf-8"), add_bos=False,
                                                  special=False)) if completion else 0
        extra = {} if recorder is None else {"logprobs": recorder.logprobs}
        self.send(event="done", id=request_id, finish_reason=finish_reason,
                  prompt_tokens=len(tokens), completion_tokens=completion_tokens, **extra)

    def probe(self, item: dict[str, Any]) -> dict[str, Any]:
        """How the model reads a text: the log-probability of each of its tokens after the
        first (those after ``head`` when the text starts with it), and, after ``then`` is
        appended, the next-token log-probability of each of ``letters`` (with or without a
        leading space). Needs ``logits_all``."""
        import numpy as np

        def tokenize(text: str) -> list[int]:
            return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)

        limit = int(item.get("max_tokens", 256))
        text = tokenize(item["text"])[:limit]
        tokens = text + (tokenize(item["then"]) if item.get("then") else [])
        if len(tokens) < 2:
            return {"log_probs": [], "letters": [None for _ in item.get("letters", [])]}
        # The prefix this text shares with the last one stays evaluated (options of one
        # question share their stem).
        shared = 0
        for old, new in zip(self._probed, tokens[:-1], strict=False):
            if old != new:
                break
            shared += 1
        self.llm.n_tokens = shared  # eval() drops the KV cache beyond this
        self.llm.eval(tokens[shared:])
        self._probed = list(tokens)
        logits = np.asarray(self.llm.scores[: len(tokens)], dtype=np.float64)
        peak = logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits - peak).sum(axis=1, keepdims=True)) + peak
        log_probs = logits[np.arange(len(tokens) - 1), tokens[1:]] - log_norm[:-1, 0]
        start = max(len(tokenize(item["head"])) - 1, 0) if item.get("head") else 0
        result: dict[str, Any] = {
            "log_probs": [round(float(x), 6) for x in log_probs[start:len(text) - 1]]}
        if item.get("letters"):
            last = logits[-1] - log_norm[-1, 0]
            found = []
            for letter in item["letters"]:
                ids = {t[0] for v in (letter, " " + letter) if len(t := tokenize(v)) == 1}
                found.append(round(float(np.logaddexp.reduce(last[sorted(ids)])), 6)
                             if ids else None)
            result["letters"] = found
        return result

    def bench(self, message: dict[str, Any]) -> None:
        """Prefill and decode speed with the engine's own eval/sample calls, best of
        ``runs``: the machine's speed, not the load that happened to share it."""
        decode_tokens = int(message.get("decode_tokens", 32))
        runs = int(message.get("runs", 3))
        tokens = self.llm.tokenize(BENCH_PROMPT.encode("utf-8"), add_bos=True)
        prefill_best = decode_best = 0.0
        for _ in range(runs):
            self.llm.reset()
            started = time.perf_counter()
            self.llm.eval(tokens)
            prefilled = time.perf_counter()
            for _ in range(decode_tokens):
                token = self.llm.sample(temp=0.0)
                self.llm.eval([token])
            decoded = time.perf_counter()
            prefill_best = max(prefill_best, len(tokens) / (prefilled - started))
            decode_best = max(decode_best, decode_tokens / (decoded - prefilled))
        self.llm.reset()
        self.send(
            event="bench", id=message.get("id"), runs=runs,
            prompt_tokens=len(tokens), decode_tokens=decode_tokens,
            prefill_tokens_per_s=round(prefill_best, 2),
            decode_tokens_per_s=round(decode_best, 2),
        )


class TokenLogprobs:
    """Log-probability of each sampled token, read from the live logits.

    ``logprobs=`` in llama-cpp-python needs ``logits_all`` (n_ctx x vocab floats, ~800 MB
    here), so this rides on the stopping-criteria hook instead, which runs after every
    sample: it keeps the distribution the new token was drawn from, and learns which token
    that was on the next call, once the token has been evaluated into ``input_ids``. The
    last token (end of turn, or the max_tokens-th) is never evaluated, so it is left out.
    """

    def __init__(self, llm: Any) -> None:
        import numpy as np

        self._np = np
        self.llm = llm
        self.logprobs: list[float] = []
        self._pending: Any = None
        self._seen = -1

    def __call__(self, input_ids: Any, _scores: Any) -> bool:
        np = self._np
        if len(input_ids) == self._seen:  # the call after the loop: nothing new evaluated
            return False
        if self._pending is not None:
            self.logprobs.append(round(float(self._pending[int(input_ids[-1])]), 5))
        self._seen = len(input_ids)
        logits = np.ctypeslib.as_array(self.llm._ctx.get_logits_ith(-1),
                                       shape=(self.llm.n_vocab(),)).astype(np.float64)
        peak = logits.max()
        self._pending = logits - (peak + np.log(np.exp(logits - peak).sum()))
        return False


def read_commands(worker: Worker, inbox: queue.Queue[dict[str, Any] | None]) -> None:
    """Stdin reader: cancels take effect at once, everything else queues."""
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            worker.send(event="error", code="bad_json", message=f"not JSON: {line[:80]!r}")
            continue
        if message.get("op") == "cancel":
            worker.cancelled.add(message["id"])
        else:
            inbox.put(message)
    inbox.put(None)  # the host closed our stdin: exit


def main() -> int:
    # The protocol owns the real stdout; anything native code prints goes to stderr.
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    options = json.loads(sys.argv[1])
    worker = Worker(options, protocol_out)
    try:
        worker.load()
    except Exception as exc:  # report, then exit: the host decides what to do
        worker.send(event="fatal", message=f"{type(exc).__name__}: {exc}")
        return 1
    inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
    threading.Thread(target=read_commands, args=(worker, inbox), daemon=True).start()
    while (message := inbox.get()) is not None:
        try:
            worker.handle(message)
        except Exception as exc:
            worker.send(event="error", id=message.get("id"), code="engine_error",
                        message=f"{type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

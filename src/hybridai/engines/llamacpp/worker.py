"""The on-device engine process: llama.cpp behind JSON lines on stdin/stdout.

It runs apart from the host so that a native crash (a segfault in llama.cpp) or a hang
costs one request, not the host. Started by ``LlamaCppEngine`` (``process.py``) as
``python -m hybridai.engines.llamacpp.worker '<WorkerOptions as JSON>'``; messages.py has the
messages.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from typing import IO, Any, cast

from .decoding import TextStream
from .messages import (
    BENCH_PROMPT,
    AnswerForm,
    BadMessage,
    BenchEvent,
    BenchOp,
    CancelOp,
    ChatMessage,
    ChatOp,
    Command,
    CountEvent,
    CountTokensOp,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    Event,
    FatalEvent,
    RawPrompt,
    ReadEvent,
    Reading,
    ReadItem,
    ReadOp,
    ReadyEvent,
    StartEvent,
    TokenLogprob,
    WorkerOptions,
    decode_command,
    encode,
)
from .prompt import TemplateTraits, template_input

# ChatOp's sampling fields and the names llama-cpp-python's generate() takes them by.
_SAMPLER_ARGUMENTS = {
    "temperature": "temp", "top_p": "top_p", "top_k": "top_k", "min_p": "min_p",
    "typical_p": "typical_p", "repeat_penalty": "repeat_penalty",
    "presence_penalty": "presence_penalty", "frequency_penalty": "frequency_penalty",
    "mirostat_mode": "mirostat_mode", "mirostat_tau": "mirostat_tau",
    "mirostat_eta": "mirostat_eta",
}


class Worker:
    def __init__(self, options: WorkerOptions, out: IO[str]) -> None:
        self.options = options
        self.out = out
        self.cancelled: set[str] = set()
        self._read_tokens: list[int] = []  # the tokens the last reading left evaluated

    def send(self, event: Event) -> None:
        self.out.write(encode(event) + "\n")
        self.out.flush()

    def load(self) -> None:
        from llama_cpp import Llama, llama_chat_format

        started = time.perf_counter()
        self.llm = Llama(
            model_path=self.options.model_path,
            n_ctx=self.options.n_ctx,
            n_threads=self.options.n_threads,
            n_batch=self.options.n_batch,
            # A router's reading needs every position's distribution (n_ctx x vocab floats).
            logits_all=self.options.logits_all,
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
        self.traits = TemplateTraits.of(template)
        self.send(ReadyEvent(
            n_ctx=self.llm.n_ctx(),
            n_ctx_train=self.llm._model.n_ctx_train(),
            n_threads=self.llm.n_threads,
            load_s=round(time.perf_counter() - started, 3),
            pid=os.getpid(),
        ))

    def handle(self, command: Command) -> None:
        if not isinstance(command, ReadOp):
            self._read_tokens = []  # chat and bench evaluate other tokens
        if isinstance(command, ChatOp):
            self.chat(command)
        elif isinstance(command, BenchOp):
            self.bench(command)
        elif isinstance(command, ReadOp):
            self.send(ReadEvent(id=command.id,
                                results=tuple(self.read(item) for item in command.items)))
        elif isinstance(command, CountTokensOp):
            tokens, _ = self.format_prompt(command.messages, command.form)
            self.send(CountEvent(id=command.id, prompt_tokens=len(tokens)))
        else:  # a CancelOp is acted on where it is read (read_commands): it never queues
            raise TypeError(f"{type(command).__name__} is not handled here")

    def format_prompt(self, messages: tuple[ChatMessage, ...], form: AnswerForm
                      ) -> tuple[list[int], list[str]]:
        """The prompt's tokens under the model's chat template (with the tools and the
        answer's instructions, ``prompt.py``), and the template's stops."""
        given = template_input(messages, form, self.traits)
        formatted = self.formatter(messages=cast(Any, given.messages),
                                   tools=cast(Any, given.tools))
        stops = formatted.stop if isinstance(formatted.stop, list) else (
            [formatted.stop] if formatted.stop else [])
        tokens = self.llm.tokenize(formatted.prompt.encode("utf-8"),
                                   add_bos=not formatted.added_special, special=True)
        return tokens, stops

    def raw_tokens(self, raw: RawPrompt) -> list[int]:
        """A text completion's prompt as tokens, no chat template: the ids as given, or the
        text tokenized (special tokens read, as llama.cpp's own completion does); with a
        suffix, laid out for fill-in-the-middle (prefix, suffix, middle), which needs the
        model's FIM tokens. ``RawPromptError`` when it cannot be run."""
        import llama_cpp

        if raw.tokens is not None:
            n_vocab = self.llm.n_vocab()
            if bad := [t for t in raw.tokens if t >= n_vocab]:
                raise RawPromptError("invalid_prompt", f"prompt: token id {bad[0]} is not in "
                                     f"the device model's vocabulary of {n_vocab}")
            prompt = list(raw.tokens)
        else:
            prompt = self.llm.tokenize((raw.text or "").encode("utf-8"),
                                       add_bos=raw.suffix is None, special=True) if raw.text else []
        if raw.suffix is None:
            return prompt or [self.llm.token_bos()]
        vocab = self.llm._model.vocab
        fim = (llama_cpp.llama_vocab_fim_pre(vocab), llama_cpp.llama_vocab_fim_suf(vocab),
               llama_cpp.llama_vocab_fim_mid(vocab))
        if min(fim) < 0:
            raise RawPromptError("device_lacks", "suffix: the device model has no "
                                 "fill-in-the-middle tokens")
        suffix = self.llm.tokenize(raw.suffix.encode("utf-8"), add_bos=False, special=False)
        return [fim[0], *prompt, fim[1], *suffix, fim[2]]

    def grammar(self, form: AnswerForm) -> Any:
        """The ``LlamaGrammar`` the answer is held to, or None; ``GrammarError`` when none
        can be built or llama.cpp does not take it."""
        import llama_cpp
        from llama_cpp.llama_grammar import LlamaGrammar

        from .grammar import GrammarError, answer_grammar

        text = answer_grammar(form)
        if text is None:
            return None
        # llama.cpp answers a grammar it cannot parse with no sampler, which it would then
        # dereference: try it here first.
        sampler = llama_cpp.llama_sampler_init_grammar(
            self.llm._model.vocab, text.encode("utf-8"), b"root")
        if not sampler:
            raise GrammarError("llama.cpp did not accept the answer's grammar")
        llama_cpp.llama_sampler_free(sampler)
        return LlamaGrammar.from_string(text, verbose=False)

    def chat(self, command: ChatOp) -> None:
        """One choice: the prompt rendered, the answer held to its grammar, each token's
        text sent as it comes (with its logprobs when asked), then how it ended."""
        import llama_cpp

        from .grammar import GrammarError
        from .logprobs import TokenScorer

        request_id = command.id
        raw = command.raw
        if raw is not None:  # a text completion: the prompt as given, no template
            template_stops: list[str] = []
            try:
                tokens = self.raw_tokens(raw)
            except RawPromptError as exc:
                self.send(ErrorEvent(id=request_id, code=exc.code, message=str(exc)))
                return
        else:
            tokens, template_stops = self.format_prompt(command.messages, command.form)
        n_ctx = self.llm.n_ctx()
        max_tokens = command.max_tokens
        needed = len(tokens) + (max_tokens or 1)
        if needed > n_ctx:
            self.send(ErrorEvent(
                id=request_id, code="context_length_exceeded",
                message=f"{len(tokens)} prompt tokens + {max_tokens or 1} to generate "
                        f"exceed the device context of {n_ctx} tokens",
                prompt_tokens=len(tokens), n_ctx=n_ctx))
            return
        try:
            grammar = self.grammar(command.form)
        except GrammarError as exc:
            self.send(ErrorEvent(id=request_id, code="unsupported_schema", message=str(exc)))
            return
        self.send(StartEvent(id=request_id, prompt_tokens=len(tokens)))
        if raw is not None and raw.echo:
            echoed = raw.text if raw.text is not None else self.llm.detokenize(
                list(raw.tokens or ()), special=False).decode("utf-8", errors="replace")
            if echoed:
                self.send(DeltaEvent(id=request_id, text=echoed))
        sampling = {_SAMPLER_ARGUMENTS[name]: value
                    for name, value in vars(command.sampling).items()
                    if value is not None and name in _SAMPLER_ARGUMENTS}
        seed = command.sampling.seed
        self.llm.set_seed(llama_cpp.LLAMA_DEFAULT_SEED if seed is None else seed)
        if seed is not None and command.sampling.temperature != 0.0:
            # A seed promises the same answer, but the logits differ a little with how the
            # prompt was split into batches (a prompt already evaluated replays only its
            # last token), enough to change a draw: evaluate it afresh.
            self.llm.reset()
        wants_logprobs = command.top_logprobs is not None
        scorer = (TokenScorer(self.llm, command.top_logprobs or 0)
                  if wants_logprobs or command.score_tokens else None)
        limit = min(max_tokens or n_ctx, n_ctx - len(tokens))
        text = TextStream([*template_stops, *command.stop])
        vocab = self.llm._model.vocab
        finish_reason, generated = "length", 0
        scored: list[float] = []
        # llama.cpp keeps the evaluated prefix this prompt shares with the last one.
        stream = self.llm.generate(tokens, grammar=grammar, **sampling)
        try:
            for token in stream:
                if request_id in self.cancelled:
                    finish_reason = "cancelled"
                    break
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish_reason = "stop"
                    break
                generated += 1
                piece = self.llm.detokenize([token], special=False)
                entry: tuple[TokenLogprob, ...] = ()
                if scorer is not None:
                    logprob, item = scorer.score(token, piece)
                    scored.append(round(logprob, 5))
                    entry = (item,) if wants_logprobs else ()
                shown = text.feed(piece)
                if shown or entry:
                    self.send(DeltaEvent(id=request_id, text=shown, logprobs=entry))
                if text.stopped:
                    finish_reason = "stop"
                    break
                if generated >= limit:
                    break
        finally:
            stream.close()
            self.cancelled.discard(request_id)
        if finish_reason != "cancelled" and (rest := text.flush()):
            self.send(DeltaEvent(id=request_id, text=rest))
        self.send(DoneEvent(
            id=request_id, finish_reason=finish_reason, prompt_tokens=len(tokens),
            completion_tokens=generated,
            token_logprobs=tuple(scored) if command.score_tokens else None))

    def read(self, item: ReadItem) -> Reading:
        """How the model reads a text: the log-probability of each of its tokens after the
        first (those after ``head`` when the text starts with it), and, after ``then`` is
        appended, the next-token log-probability of each of ``letters`` (with or without a
        leading space). Needs ``logits_all``."""
        import numpy as np

        def tokenize(text: str) -> list[int]:
            return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)

        text = tokenize(item.text)[:item.max_tokens]
        tokens = text + (tokenize(item.then) if item.then else [])
        if len(tokens) < 2:
            return Reading(log_probs=(), letters=tuple(None for _ in item.letters))
        # The prefix this text shares with the last one stays evaluated (options of one
        # question share their stem).
        shared = 0
        for old, new in zip(self._read_tokens, tokens[:-1], strict=False):
            if old != new:
                break
            shared += 1
        self.llm.n_tokens = shared  # eval() drops the KV cache beyond this
        self.llm.eval(tokens[shared:])
        self._read_tokens = list(tokens)
        logits = np.asarray(self.llm.scores[: len(tokens)], dtype=np.float64)
        peak = logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits - peak).sum(axis=1, keepdims=True)) + peak
        log_probs = logits[np.arange(len(tokens) - 1), tokens[1:]] - log_norm[:-1, 0]
        start = max(len(tokenize(item.head)) - 1, 0) if item.head else 0
        read = tuple(round(float(x), 6) for x in log_probs[start:len(text) - 1])
        if not item.letters:
            return Reading(log_probs=read)
        last = logits[-1] - log_norm[-1, 0]
        found: list[float | None] = []
        for letter in item.letters:
            ids = {t[0] for v in (letter, " " + letter) if len(t := tokenize(v)) == 1}
            found.append(round(float(np.logaddexp.reduce(last[sorted(ids)])), 6)
                         if ids else None)
        return Reading(log_probs=read, letters=tuple(found))

    def bench(self, command: BenchOp) -> None:
        """Prefill and decode speed with the engine's own eval/sample calls, best of
        ``runs``: the machine's speed, not the load that happened to share it."""
        decode_tokens, runs = command.decode_tokens, command.runs
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
        self.send(BenchEvent(
            id=command.id, runs=runs, prompt_tokens=len(tokens), decode_tokens=decode_tokens,
            prefill_tokens_per_s=round(prefill_best, 2),
            decode_tokens_per_s=round(decode_best, 2),
        ))


class RawPromptError(ValueError):
    """A text completion's prompt the worker cannot run; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def read_commands(worker: Worker, inbox: queue.Queue[Command | None]) -> None:
    """Stdin reader: cancels take effect at once, everything else queues."""
    for line in sys.stdin:
        try:
            command = decode_command(line)
        except BadMessage as exc:
            worker.send(ErrorEvent(id=exc.id, code=exc.code, message=str(exc)))
            continue
        if isinstance(command, CancelOp):
            worker.cancelled.add(command.id)
        else:
            inbox.put(command)
    inbox.put(None)  # the host closed our stdin: exit


def main() -> int:
    # The protocol owns the real stdout; anything native code prints goes to stderr.
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    worker = Worker(WorkerOptions.from_json(sys.argv[1]), protocol_out)
    try:
        worker.load()
    except Exception as exc:  # report, then exit: the host decides what to do
        worker.send(FatalEvent(message=f"{type(exc).__name__}: {exc}"))
        return 1
    inbox: queue.Queue[Command | None] = queue.Queue()
    threading.Thread(target=read_commands, args=(worker, inbox), daemon=True).start()
    while (command := inbox.get()) is not None:
        try:
            worker.handle(command)
        except Exception as exc:
            worker.send(ErrorEvent(id=command.id, code="engine_error",
                                   message=f"{type(exc).__name__}: {exc}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

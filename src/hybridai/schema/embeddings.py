"""The embeddings request and response: OpenAI's shapes, plus hybridai's ``mode``/``privacy``
fields and the ``hybrid`` routing metadata chat answers carry.

    EmbeddingRequest.parse({"input": ["a", "b"], "model": "hybrid"})

``input`` is a string, a list of strings, a list of token ids or a list of token-id lists (as
OpenAI takes it); ``inputs`` gives it as a list either way. Token ids are ids in the
vocabulary of the model that embeds them (core/embeddings.py decides which). A response's
``embedding`` is a list of floats, or, with ``encoding_format: "base64"``, the
little-endian float32 bytes in base64, as OpenAI sends them.

Every refusal is an ``InvalidRequestError`` that names the field it is about (``param``).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema, field_validator

from ..errors import InvalidRequestError
from .modes import Mode
from .privacy import Policy
from .request import parse_mode, parse_policy
from .response import RoutingInfo

if TYPE_CHECKING:
    import numpy as np

MAX_INPUTS = 2048
"""OpenAI's limit of inputs in one request."""

_INPUT_SCHEMA = {"anyOf": [
    {"type": "string", "minLength": 1},
    {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
     "maxItems": MAX_INPUTS},
    {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 1},
    {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0},
                                "minItems": 1}, "minItems": 1, "maxItems": MAX_INPUTS},
]}
_INPUT_SHAPES = ("a non-empty string, a list of non-empty strings, a list of token ids "
                 "(integers >= 0) or a list of non-empty token-id lists")


def _is_token_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_input(value: Any) -> Any:
    """The four shapes OpenAI takes, checked as JSON has them (no "5" for 5, no true for 1)."""
    if isinstance(value, str):
        if not value:
            raise ValueError(f"an empty string cannot be embedded; expected {_INPUT_SHAPES}")
        return value
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected {_INPUT_SHAPES}")
    if len(value) > MAX_INPUTS:
        raise ValueError(f"{len(value)} inputs; at most {MAX_INPUTS} in one request")
    if all(isinstance(item, str) for item in value):
        if empty := [i for i, item in enumerate(value) if not item]:
            raise ValueError(f"item {empty[0]} is an empty string, which cannot be embedded")
        return value
    if all(_is_token_id(item) for item in value):
        return value
    if all(isinstance(item, list) for item in value):
        for i, ids in enumerate(value):
            if not ids or not all(_is_token_id(t) for t in ids):
                raise ValueError(f"item {i} is not a non-empty list of token ids "
                                 "(integers >= 0)")
        return value
    raise ValueError(f"expected {_INPUT_SHAPES}, not a mix")


class EmbeddingRequest(BaseModel):
    """A validated embeddings request: OpenAI's fields, then hybridai's ``mode`` and
    ``privacy`` (as in a chat request)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: Annotated[str | list[str] | list[int] | list[list[int]],
                     WithJsonSchema(_INPUT_SCHEMA)] = Field(
        description="the text(s) to embed, or token ids in the vocabulary of the model that "
        "embeds them (name the model, or use an only_* mode, to say which)")
    model: str | None = Field(default=None, description="hybrid, hybrid/<mode>, an alias, or "
                              "an embedding model: all-MiniLM-L6-v2 (the device) or the "
                              "configured cloud embedding model, which pins the request to it")
    encoding_format: Literal["float", "base64"] | None = Field(
        default="float", description="float (the default) or base64: each vector's "
        "little-endian float32 bytes")
    dimensions: int | None = Field(default=None, ge=1, description="shorter vectors: the "
                                   "device truncates its 384 and re-normalizes; the cloud "
                                   "model is sent the field")
    user: str | None = None
    mode: Mode | None = None
    privacy: Policy | None = Field(default=None, description="tighten the privacy policy")

    _input = field_validator("input", mode="before")(_check_input)

    @field_validator("encoding_format")
    @classmethod
    def _float_by_default(cls, encoding_format: str | None) -> str:
        return encoding_format or "float"  # null, as OpenAI takes it: the default

    _mode = field_validator("mode", mode="before")(parse_mode)
    _privacy = field_validator("privacy", mode="before")(parse_policy)

    @property
    def inputs(self) -> list[str] | list[list[int]]:
        """The inputs as a list: of texts, or of token-id lists."""
        value = self.input
        if isinstance(value, str):
            return [value]
        if value and isinstance(value[0], int):
            return [value]  # one token array
        return value  # type: ignore[return-value]

    @property
    def tokens(self) -> bool:
        """Whether the inputs are token ids rather than text."""
        return not isinstance(self.input, str) and not isinstance(self.input[0], str)

    @classmethod
    def parse(cls, payload: dict[str, Any], *, strict: bool = False) -> EmbeddingRequest:
        """``strict``: each field in its JSON type only, as on the wire."""
        if "input" not in payload:
            raise InvalidRequestError("'input' is required: " + _INPUT_SHAPES, param="input")
        try:
            return cls.model_validate(payload, strict=strict)
        except ValidationError as exc:
            first = exc.errors()[0]
            param = str(first["loc"][0]) if first["loc"] else "input"
            raise InvalidRequestError(_describe(exc), param=param) from None
        except InvalidRequestError as exc:  # Mode.parse, Policy.parse
            param = "mode" if exc.code == "invalid_mode" else "privacy"
            raise InvalidRequestError(str(exc), param=param, code=exc.code) from None


def _describe(exc: ValidationError) -> str:
    """One line per problem, each naming its field; a union's failed branches only once."""
    problems: dict[str, str] = {}
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "request"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        problems.setdefault(where, message)
    return "invalid request: " + "; ".join(f"{k}: {v}" for k, v in problems.items())


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str = Field(description="the vector, or its little-endian "
                                         "float32 bytes in base64")


class EmbeddingUsage(BaseModel):
    prompt_tokens: int = 0
    total_tokens: int = 0


class EmbeddingsResponse(BaseModel):
    """OpenAI's ``CreateEmbeddingResponse``, plus ``hybrid``: where the vectors were made.
    ``model`` is the embedding model that made every one of them."""

    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: EmbeddingUsage
    hybrid: RoutingInfo

    @classmethod
    def of(cls, vectors: np.ndarray, *, model: str, encoding_format: str,
           hybrid: RoutingInfo) -> EmbeddingsResponse:
        """The response for ``vectors`` (one float32 row per input, in order)."""
        import numpy as np

        if encoding_format == "base64":
            little = np.ascontiguousarray(vectors, dtype="<f4")
            encoded: list[list[float] | str] = [base64.b64encode(row.tobytes()).decode()
                                                for row in little]
        else:
            encoded = list(vectors.astype(np.float32).tolist())
        data = [Embedding.model_construct(object="embedding", index=i, embedding=e)
                for i, e in enumerate(encoded)]
        usage = EmbeddingUsage(prompt_tokens=hybrid.prompt_tokens,
                               total_tokens=hybrid.prompt_tokens)
        return cls.model_construct(object="list", data=data, model=model, usage=usage,
                                   hybrid=hybrid)

    def vectors(self) -> np.ndarray:
        """Every embedding as one float32 array, shape (inputs, dimensions)."""
        import numpy as np

        rows = [np.frombuffer(base64.b64decode(e.embedding), dtype="<f4")
                if isinstance(e.embedding, str) else np.asarray(e.embedding, dtype=np.float32)
                for e in sorted(self.data, key=lambda e: e.index)]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32)

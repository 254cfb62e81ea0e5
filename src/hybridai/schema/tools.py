"""What a request asks of the answer's form: function tools and which to call, and the
response format (text, any JSON object, or JSON that validates against a schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_STRICT = ConfigDict(extra="forbid", frozen=True)
_NAME = r"^[a-zA-Z0-9_-]{1,64}$"


class FunctionSpec(BaseModel):
    """A function the model may call: its name, what it does, its arguments' JSON schema."""

    model_config = _STRICT
    name: str = Field(pattern=_NAME)
    description: str | None = None
    parameters: dict[str, Any] | None = Field(default=None, description="a JSON schema "
                                              "(an object); none: no arguments")
    strict: bool | None = None

    def arguments_schema(self) -> dict[str, Any]:
        return self.parameters or {"type": "object", "properties": {}}


class FunctionTool(BaseModel):
    model_config = _STRICT
    type: Literal["function"]
    function: FunctionSpec


class CustomTool(BaseModel):
    """OpenAI's free-form (non-JSON) tool: a cloud feature, passed on as given."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: Literal["custom"]
    custom: dict[str, Any]


Tool = Annotated[FunctionTool | CustomTool, Field(discriminator="type")]


class NamedFunction(BaseModel):
    model_config = _STRICT
    name: str


class NamedToolChoice(BaseModel):
    model_config = _STRICT
    type: Literal["function"]
    function: NamedFunction


class AllowedTools(BaseModel):
    """``{"type": "allowed_tools", "allowed_tools": {"mode": "auto"|"required", "tools":
    [...]}}``: a subset of ``tools`` the model may use."""

    model_config = _STRICT
    type: Literal["allowed_tools"]
    allowed_tools: dict[str, Any]


ToolChoice = Literal["none", "auto", "required"] | NamedToolChoice | AllowedTools


class JSONSchemaFormat(BaseModel):
    model_config = _STRICT
    name: str = Field(pattern=_NAME)
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class TextFormat(BaseModel):
    model_config = _STRICT
    type: Literal["text"]


class JSONObjectFormat(BaseModel):
    model_config = _STRICT
    type: Literal["json_object"]


class JSONSchemaResponseFormat(BaseModel):
    model_config = _STRICT
    type: Literal["json_schema"]
    json_schema: JSONSchemaFormat


ResponseFormat = Annotated[TextFormat | JSONObjectFormat | JSONSchemaResponseFormat,
                           Field(discriminator="type")]


class StreamOptions(BaseModel):
    model_config = _STRICT
    include_usage: bool | None = None
    include_obfuscation: bool | None = None


class Prediction(BaseModel):
    model_config = _STRICT
    type: Literal["content"]
    content: str | list[dict[str, Any]]


class AudioOutput(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    voice: str | dict[str, Any]
    format: str


class LegacyFunctionChoice(BaseModel):
    model_config = _STRICT
    name: str


def called_function(choice: ToolChoice | None) -> str | None:
    """The function ``tool_choice`` names, if it names one."""
    return choice.function.name if isinstance(choice, NamedToolChoice) else None


class ToolRules(BaseModel):
    """The tools a request offers and how the answer may use them, legacy ``functions``
    folded in: what the device engine is told."""

    model_config = _STRICT
    functions: tuple[FunctionSpec, ...] = ()
    choice: Literal["none", "auto", "required"] | str = "auto"
    """none, auto, required, or the name of the one function to call."""
    parallel: bool = True

    @field_validator("functions")
    @classmethod
    def _unique(cls, functions: tuple[FunctionSpec, ...]) -> tuple[FunctionSpec, ...]:
        names = [f.name for f in functions]
        if dupes := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"tools: the function name {dupes[0]!r} is defined twice")
        return functions

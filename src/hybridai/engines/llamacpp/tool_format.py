"""How a function call is written in the device model's output, and in its prompt:

    <tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>

several calls one right after the other (with nothing between them, SmolLM2 ends its turn
after a call rather than write a newline and call the same function again). The JSON is
compact (no whitespace between its tokens), the name comes first, then the arguments
object. The prompt
teaches this form and writes earlier calls in it (``prompt.py``), the grammar admits nothing
else (``grammar.py``) and the host reads it back as the model writes it (``output.py``).
Stdlib only: both sides import it.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

OPEN = "<tool_call>"
CLOSE = "</tool_call>"
NAME_PREFIX = '{"name":"'
"""After ``OPEN``; the function's name follows (names need no escaping)."""
ARGUMENTS_PREFIX = '","arguments":'
"""After the name; the arguments object follows, then ``CALL_END``."""
CALL_END = "}" + CLOSE


def compact_json(value: Any) -> str:
    """JSON without whitespace between tokens, as the grammar writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write_call(name: str, arguments: str) -> str:
    """One call in the model's form; ``arguments`` is JSON text (rewritten compact when it
    parses, kept as given when it does not)."""
    with contextlib.suppress(ValueError):
        arguments = compact_json(json.loads(arguments))
    return OPEN + NAME_PREFIX + name + ARGUMENTS_PREFIX + arguments + CALL_END

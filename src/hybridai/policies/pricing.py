"""Estimated cost of a request, and what running it on the device saved.

Prices are USD per one million tokens. The built-in table is a starting point (list prices
as published by the vendors in 2025); the ``[prices]`` table in the config file overrides it.
Token counts for a device run are the device tokenizer's, so the cloud figure is an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..config import Price

BUILTIN_PRICES: dict[str, Price] = {
    "gpt-4o": Price(input_per_1m=2.50, output_per_1m=10.00),
    "gpt-4o-mini": Price(input_per_1m=0.15, output_per_1m=0.60),
    "gpt-4.1": Price(input_per_1m=2.00, output_per_1m=8.00),
    "gpt-4.1-mini": Price(input_per_1m=0.40, output_per_1m=1.60),
    "gpt-4.1-nano": Price(input_per_1m=0.10, output_per_1m=0.40),
    "gpt-4-1106-preview": Price(input_per_1m=10.00, output_per_1m=30.00),
    "gemini-2.0-flash": Price(input_per_1m=0.10, output_per_1m=0.40),
    "gemini-2.5-flash": Price(input_per_1m=0.30, output_per_1m=2.50),
    "gemini-2.5-pro": Price(input_per_1m=1.25, output_per_1m=10.00),
    "claude-3-5-haiku-latest": Price(input_per_1m=0.80, output_per_1m=4.00),
    "claude-sonnet-4-0": Price(input_per_1m=3.00, output_per_1m=15.00),
}


@dataclass(frozen=True)
class PriceTable:
    prices: Mapping[str, Price]

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, Price]) -> PriceTable:
        return cls({**BUILTIN_PRICES, **overrides})

    def price_of(self, model: str) -> Price | None:
        if model in self.prices:
            return self.prices[model]
        # "openai/gpt-4o-mini" or "models/gemini-2.0-flash" name the same model.
        return self.prices.get(model.rsplit("/", 1)[-1])

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int,
             price: Price | None = None) -> float | None:
        """USD for the tokens; None when the model has no known price."""
        price = price or self.price_of(model)
        if price is None:
            return None
        return (prompt_tokens * price.input_per_1m + completion_tokens * price.output_per_1m) / 1e6

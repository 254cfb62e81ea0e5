"""Synthetic labeled router data with a learnable pattern: maths and code need the cloud."""

from __future__ import annotations

import json
import random
from pathlib import Path

EASY = ["Say hello to {n}.", "What colour is the sky, {n}?", "Greet {n} warmly.",
        "Name a fruit for {n}.", "Thank {n} for the gift."]
HARD = ["Solve the equation {a}x + {b} = {c} and show each step.",
        "Write a Python function that returns the {a}th prime number.",
        "Calculate {a} * {b} - {c} / 7 exactly.",
        "Prove that the sum of the first {a} odd numbers is a square."]
NAMES = ["Ana", "Bo", "Chen", "Dee", "Eli", "Fay", "Gus", "Hal"]


def write_rows(path: Path, n: int = 160, seed: int = 0) -> Path:
    rng = random.Random(seed)
    with path.open("w") as f:
        for i in range(n):
            hard = i % 2 == 0
            template = rng.choice(HARD if hard else EASY)
            prompt = template.format(n=rng.choice(NAMES), a=rng.randint(2, 99),
                                     b=rng.randint(2, 99), c=rng.randint(2, 99))
            local = 0.0 if hard and rng.random() < 0.9 else 1.0
            scores = {"small": local, "big": 1.0, "medium": 0.5 if hard else 1.0}
            f.write(json.dumps({"prompt": prompt, "scores": scores,
                                "costs": {"small": 0.0, "big": 0.001}}) + "\n")
    return path

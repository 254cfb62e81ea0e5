"""Prompts and the default router's Python scores, for ports of the router to check parity.

    python -m tests.support.router_parity OUT.json

writes ``{"format", "tolerance", "router", "buckets", "cases"}``: ``router`` is
``hybridai.router.export.router_json`` of the router mode ``auto`` uses by default;
``buckets`` a few hashed keys with the bucket each lands in (to check a CRC32 port on its
own); each case ``{"id", "kind", "prompt", "score", "structural", "features"}``: its source or
what it tests, the prompt, ``Router.score``, the structural feature values in the export's
order and how many non-zero features it has. Prompts: a deterministic sample of RouterBench
(``../shared/data/routerbench``, prompts and a few model answers with code), and hand-written
edge cases (Unicode, CJK, emoji, accents, code, maths, multiple choice, blank and near-blank,
longer than ``features.MAX_TOKENS``, final blocks after blank lines, line separators).
"""

from __future__ import annotations

import ast
import csv
import json
import sys
import zlib
from pathlib import Path
from typing import Any

from hybridai.config import Settings
from hybridai.router import features
from hybridai.router.export import configured_router, router_json
from hybridai.router.model import Router

ROUTERBENCH = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "routerbench"
_SAMPLES = {"arc_challenge_test.csv": 70, "mbpp_test.csv": 60, "winograde_test.csv": 70}
_ANSWER_COLUMN = "gpt-4-1106-preview|model_response"
_ANSWERS = 30  # model answers (prose with code blocks) from mbpp_test.csv

_LONG_WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
               "kappa", "lambda", "mu", "résumé", "naïve", "東京", "🚀", "x=1", ";", "{", "}",
               "?"]

EDGE_CASES: list[tuple[str, str]] = [
    ("empty", ""),
    ("space", " "),
    ("blank-lines", "\n\n\n"),
    ("tabs-and-newlines", "\t \n \t\n"),
    ("one-char", "a"),
    ("one-symbol", "?"),
    ("one-digit", "7"),
    ("greeting", "Hi"),
    ("simple-question", "Why is the sky blue?"),
    ("upper", "WHAT IS THE CAPITAL OF FRANCE?"),
    ("accents-fr", "Où se trouve la tour Eiffel ? Réponds en français, s'il te plaît."),
    ("accents-de", "Erkläre mir bitte, warum Äpfel grün oder rot sind. Größe, Maß, Straße."),
    ("accents-es", "¿Cuál es la montaña más alta de España? ¡Dímelo rápido, señor!"),
    ("decomposed-accents", "Cafe\u0301 cre\u0300me bru\u0302le\u0301e"),
    ("turkish-i", "İstanbul ve Iğdır; DİYARBAKIR"),
    ("greek-final-sigma", "ΟΔΥΣΣΕΥΣ ΣΟΦΟΣ. Ὀδυσσεύς σοφός"),
    ("german-sharp-s", "STRASSE ẞ groß"),
    ("cjk-zh", "请用三句话解释量子计算是什么，以及它为什么重要？"),
    ("cjk-ja", "東京の天気はどうですか？明日は雨が降りますか。カタカナとひらがな"),
    ("cjk-ko", "서울에서 부산까지 기차로 얼마나 걸리나요?"),
    ("arabic", "ما هي عاصمة المملكة العربية السعودية؟"),
    ("hebrew-rtl", "מה השעה עכשיו בירושלים?"),
    ("hindi", "भारत की राजधानी क्या है? १२३ + ४५६"),
    ("thai", "ประเทศไทยมีกี่จังหวัด"),
    ("cyrillic", "Сколько будет 2 + 2? Ответь ОДНИМ словом."),
    ("emoji", "Write a haiku about 🍣 and 🚀, please 😀😀😀"),
    ("emoji-zwj", "Family: 👨‍👩‍👧‍👦 flags: 🇫🇷🇯🇵 skin: 👍🏽"),
    ("emoji-only", "🙂"),
    ("astral-letters", "𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 𝔉𝔯𝔞𝔨𝔱𝔲𝔯 and 𠀋𠀍 (CJK extension B)"),
    ("superscript-digits", "Compute x² + y³ where x=2 and y=3; also ½ and ⅓ and ①②"),
    ("fullwidth-digits", "価格は１２３４円です。What is １２３ + ４５６?"),
    ("arabic-indic-digits", "٣ + ٤ = ?"),
    ("roman-numerals", "Chapter Ⅻ follows chapter Ⅺ"),
    ("word-boundary-accent", "édef f(x): ñreturn x; élass"),
    ("word-boundary-cjk", "变量def x和return y"),
    ("code-python", "Fix this code:\n```python\ndef add(a, b):\n    return a - b\n```\n"
                    "Why does add(2, 3) return -1?"),
    ("code-js", "function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n"
                "import x from 'y';\nclass Foo {}\n"),
    ("code-c", "#include <stdio.h>\nint main(void) {\n    printf(\"%d\\n\", 1 + 2);\n"
               "    return 0;\n}\n"),
    ("code-semicolon-crlf", "let a = 1;\r\nlet b = 2;\r\nconsole.log(a + b);\r\n"),
    ("code-trailing-spaces", "x = {   \ny = }\t\nz;   "),
    ("maths-arith", "Calculate 12 * 7 - 3 / 4 + 2^10 exactly."),
    ("maths-equation", "Solve the equation 3x + 5 = 20 for x. How many solutions are there?"),
    ("maths-ignorecase", "SOLVE THIS EQUATION: 2*x=8. HOW MANY steps? CALCULATE."),
    ("maths-spaced-ops", "1 +  2\n3\t*\t4\n5 % 6 and 7 < 8 > 9"),
    ("maths-latex", "Prove that $\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$ for all $n \\ge 1$."),
    ("multiple-choice", "Which planet is largest?\nA) Mars\nB) Jupiter\nC) Venus\nD) Earth\n"
                        "Answer:"),
    ("multiple-choice-parens", "Pick one.\n(A) red\n(B) green\n  (C) blue\n(E). none\n"
                               "(F) not a choice"),
    ("multiple-choice-colon", "Q: best sorting?\nA: bubble\nB: merge\nC: quick\nAnswer: "),
    ("few-shot", "Q: 2+2?\nA) 3\nB) 4\nAnswer: B\n\nQ: 3+3?\nA) 6\nB) 7\nAnswer: A\n\n"
                 "Q: What is the boiling point of water at sea level in Celsius?\nA) 90\n"
                 "B) 100\nAnswer:"),
    ("final-block-short", "Here is a long context paragraph about the history of Rome and "
                          "its emperors.\n\nAnswer:"),
    ("final-block-short-alone", "Answer:"),
    ("final-block-long", "First block that is fairly long and descriptive.\n\nSecond block "
                         "that is long enough on its own to be the final block by itself."),
    ("final-block-blank-tail", "Question about cats and dogs and their diets?\n\n   \n\n"),
    ("final-block-triple-newline", "para one\n\n\npara two is here\n\n\n\nok"),
    ("final-block-spaces-between", "block one\n \nblock two\n\n\t\nshort"),
    ("final-block-many", "\n\n".join(f"Block number {i} says something." for i in range(12))),
    ("line-separators", "first line\u2028second line;\u2029third\u0085fourth\x1cfifth"),
    ("nbsp-and-zero-width", "non\u00a0breaking\u202fspaces and zero\u200bwidth\ufeffjoiners"),
    ("control-chars", "tab\there\x00null\x07bell\x1bescape"),
    ("underscore-words", "snake_case_name __dunder__ _private CONSTANT_VALUE"),
    ("apostrophes", "It's John's book; don't won't can't — “quotes” ‘single’ «guillemets»"),
    ("punctuation-run", "!!!???...,,,;;;:::---+++***///"),
    ("question-marks-many", "?" * 25),
    ("newlines-many", "line\n" * 80),
    ("url-and-email", "Visit https://example.com/a?b=c&d=e#f or mail me at a.b@example.org"),
    ("numbers-mixed", "In 2024, 3.14159 and 1e-9 and -42 and 0x1F and 1,000,000."),
    ("repeated-word", "buffalo " * 40),
    ("mixed-scripts", "Hello мир 世界 عالم 🌍 — résumé naïve coöperate"),
    ("system-and-user", "You are a helpful assistant.\nTranslate 'good morning' into Japanese."),
]


def _long_cases() -> list[tuple[str, str]]:
    """Prompts past ``features.MAX_TOKENS``: only their opening is hashed."""
    words = [_LONG_WORDS[i % len(_LONG_WORDS)] for i in range(3 * features.MAX_TOKENS)]
    long_text = " ".join(words)
    return [
        ("long-over-max-tokens", long_text),
        ("long-final-block", long_text + "\n\nNow, given all of the above, what is 2 + 2?"),
        ("long-exactly-max-tokens", " ".join(["tok"] * features.MAX_TOKENS)),
        ("long-max-tokens-plus-one", " ".join(["tok"] * features.MAX_TOKENS) + " extra"),
        ("long-punctuation", "a," * (features.MAX_TOKENS + 10)),
        ("long-cjk", "漢字" * 3000),
    ]


def _routerbench_cases() -> list[tuple[str, str]]:
    if not ROUTERBENCH.is_dir():
        raise FileNotFoundError(f"{ROUTERBENCH} is missing: the parity prompts sample it "
                                "(../shared/data/routerbench beside the repository)")
    csv.field_size_limit(sys.maxsize)
    cases: list[tuple[str, str]] = []
    for name, count in _SAMPLES.items():
        with (ROUTERBENCH / name).open(newline="") as f:
            rows = list(csv.DictReader(f))
        step = max(1, len(rows) // count)
        task = name.removesuffix("_test.csv")
        for row in rows[::step][:count]:
            cases.append((f"routerbench:{task}", ast.literal_eval(row["prompt"])[0]))
        if name == "mbpp_test.csv":
            answers = [r[_ANSWER_COLUMN] for r in rows if r.get(_ANSWER_COLUMN)]
            for raw in answers[:_ANSWERS]:
                answer = ast.literal_eval(raw)
                cases.append(("routerbench:mbpp-answer",
                              answer[0] if isinstance(answer, list) else str(answer)))
    return cases


def parity_cases(router: Router) -> list[dict[str, Any]]:
    """Every prompt with its score by ``router``, in a stable order."""
    prompts = EDGE_CASES + _long_cases() + _routerbench_cases()
    cases = []
    for n, (kind, prompt) in enumerate(prompts):
        indices, _ = features.featurize(prompt)
        cases.append({"id": n, "kind": kind, "prompt": prompt, "score": router.score(prompt),
                      "structural": features.structural(prompt), "features": len(indices)})
    return cases


def bucket_checks() -> list[dict[str, Any]]:
    keys = ["hello", "final:hello", "hello world", "é", "東京", "🚀", "final:? !", ""]
    return [{"key": key, "bucket": zlib.crc32(key.encode("utf-8")) & (features.HASHED - 1)}
            for key in keys]


def parity_fixture(settings: Settings | None = None) -> dict[str, Any]:
    router, threshold = configured_router(settings or Settings())
    return {"format": "hybridai-router-parity/1", "tolerance": 1e-6,
            "router": router_json(router, threshold=threshold), "buckets": bucket_checks(),
            "cases": parity_cases(router)}


def write(path: Path, settings: Settings | None = None) -> int:
    fixture = parity_fixture(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fixture, ensure_ascii=False))
    return len(fixture["cases"])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.support.router_parity OUT.json", file=sys.stderr)
        return 2
    count = write(Path(argv[0]))
    print(f"wrote {count} prompts and their scores to {argv[0]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

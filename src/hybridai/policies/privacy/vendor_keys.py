"""Keys and tokens in the shapes their vendors issue: the regex plugins of Yelp's
detect-secrets (AWS, Azure, GitHub, GitLab, Slack tokens and webhooks, Stripe, Twilio,
SendGrid, Mailchimp, npm, PyPI, Discord, Telegram, JWT, IBM, Cloudant, Softlayer, Square,
Artifactory, OpenAI), and the prefixes it does not know (Anthropic, Google, Hugging Face…).

The plugins' compiled ``denylist`` patterns run over the whole text, so a match is a span in
it as is (every occurrence, with no search for where a reported value was). The library's own
scan runs each plugin per line and its high-entropy plugins on every word: 22 ms on a typical
prompt, against the 2 ms the whole scan may take. Its verification (which sends a found key
to the vendor) is never called.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import cast

from .detectors import Span
from .secret_text import Lines, occurrences

# Tokens with a vendor's prefix that detect-secrets 1.5 has no plugin for, or reads more
# narrowly (its OpenAI plugin knows only the legacy "T3BlbkFJ" keys, its Slack one only
# digit-dash tokens, its Stripe one only live keys, its npm one only .npmrc lines).
PREFIXED_TOKENS = [
    # OpenAI, Anthropic: random, so with a digit ("sk-toggleable__label-arrow" is CSS)
    r"sk-(?:ant-|proj-|svcacct-|admin-)?(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{20,}",
    r"gh[pousr]_[A-Za-z0-9]{36,}",                            # GitHub
    r"github_pat_[A-Za-z0-9_]{22,}",
    r"(?:AKIA|ASIA)[0-9A-Z]{16}",                             # AWS access key id
    r"xox[abposr]-[A-Za-z0-9-]{10,}",                         # Slack
    r"xapp-\d-[A-Za-z0-9-]{20,}",                             # Slack app-level token
    r"AIza[0-9A-Za-z_-]{35}",                                 # Google API key
    r"ya29\.[0-9A-Za-z_-]{20,}",                              # Google OAuth access token
    r"[rs]k_(?:live|test)_[0-9A-Za-z]{16,}",                  # Stripe
    r"glpat-[A-Za-z0-9_-]{20,}",                              # GitLab
    r"hf_[A-Za-z0-9]{30,}",                                   # Hugging Face
    r"npm_[A-Za-z0-9]{36}",                                   # npm
    r"do[opr]_v1_[a-f0-9]{64}",                               # DigitalOcean
    r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",                    # Shopify
    r"hv[sbr]\.[A-Za-z0-9_-]{24,}",                           # HashiCorp Vault
    r"gsk_[A-Za-z0-9]{40,}",                                  # Groq
    r"xai-[A-Za-z0-9]{40,}",                                  # xAI
    r"pplx-[A-Za-z0-9]{40,}",                                 # Perplexity
    r"r8_[A-Za-z0-9]{30,}",                                   # Replicate
    r"lin_api_[A-Za-z0-9]{32,}",                              # Linear
    r"whsec_[A-Za-z0-9+/=]{24,}",                             # Stripe webhook secret
    r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # JWT
]
_PREFIXED = re.compile(r"(?:" + "|".join(PREFIXED_TOKENS) + r")(?![A-Za-z0-9_-])")
# What each of those starts with; a text holding none of them holds none of the tokens.
_PREFIXES = ("sk-", "sk_", "rk_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "AKIA",
             "ASIA", "xox", "xapp-", "AIza", "ya29.", "glpat-", "hf_", "npm_", "_v1_", "shp",
             "hvs.", "hvb.", "hvr.", "gsk_", "xai-", "pplx-", "r8_", "lin_api_", "whsec_", "eyJ")
# What each plugin's keys need: text they contain (a prefix, a name their pattern requires;
# uppercase ones looked for as written, the others in lowercase; none where the key has no
# fixed part) and the length of the run without whitespace they make, so that most texts skip
# most patterns.
_PLUGIN_NEEDS: dict[str, tuple[tuple[str, ...], int]] = {
    "AWSKeyDetector": (("AKIA", "ABIA", "ACCA", "ASIA", "A3T", "aws"), 20),
    "AzureStorageKeyDetector": (("accountkey=",), 99),
    "GitHubTokenDetector": (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), 40),
    "GitLabTokenDetector": (("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "gr1348941",
                             "glcbt-", "glimt-", "glptt-", "glagent-", "gloas-"), 25),
    "SlackDetector": (("xox", "hooks.slack.com"), 20),
    "StripeDetector": (("k_live_",), 32),
    "TwilioKeyDetector": (("AC", "SK"), 34),
    "SendGridDetector": (("sg.",), 69),
    "MailchimpDetector": (("-us",), 36),
    "NpmDetector": (("_authtoken",), 20),
    "PypiTokenDetector": (("pypi-",), 85),
    "DiscordBotTokenDetector": ((), 59),
    "TelegramBotTokenDetector": ((":",), 44),
    "JwtTokenDetector": (("eyj",), 20),
    "OpenAIDetector": (("t3blbkfj",), 48),
    "ArtifactoryDetector": (("AKC", "AP"), 20),
    "CloudantDetector": (("cl",), 24),
    "IbmCloudIamDetector": (("key", "pwd", "pass", "token"), 44),
    "IbmCosHmacDetector": (("secret",), 48),
    "SoftlayerDetector": (("sl", "softlayer"), 64),
    "SquareOAuthDetector": (("sq0csp-",), 50),
}
_TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SHORTEST = 20  # no vendor's key is shorter; shorter matches are words in a loose pattern
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_-]*")
_EDGES = re.compile(r"^(?:[\s\"'=:]|[A-Za-z]+=)+")  # Azure's "AccountKey=", Artifactory's ":"
# A webhook's secret is its path: "https://hooks.slack.com/services/" stays readable.
_URL_PREFIX = re.compile(r"https?://[^/\s]+/(?:[a-z]+/)*")


@cache
def library_plugins() -> tuple[tuple[tuple[str, ...], int, tuple[re.Pattern[str], ...]], ...]:
    """The detect-secrets plugins' patterns, each plugin's with what its keys need
    (``_PLUGIN_NEEDS``). Left out: BasicAuthDetector (credential_syntax reads URL passwords,
    ``#``/``?``/``@`` in them too), IPPublicDetector (addresses are the ``ip`` kind),
    PrivateKeyDetector (``PrivateKeyDetector`` takes the whole block), KeywordDetector and the
    high-entropy plugins (credentials.py, random_strings.py)."""
    # detect-secrets imports requests: loaded when the first scanner is built, not on import.
    from detect_secrets.plugins import (
        artifactory,
        aws,
        azure_storage_key,
        cloudant,
        discord,
        github_token,
        gitlab_token,
        ibm_cloud_iam,
        ibm_cos_hmac,
        jwt,
        mailchimp,
        npm,
        openai,
        pypi_token,
        sendgrid,
        slack,
        softlayer,
        square_oauth,
        stripe,
        telegram_token,
        twilio,
    )

    plugins = [aws.AWSKeyDetector, azure_storage_key.AzureStorageKeyDetector,
               github_token.GitHubTokenDetector, gitlab_token.GitLabTokenDetector,
               slack.SlackDetector, stripe.StripeDetector, twilio.TwilioKeyDetector,
               sendgrid.SendGridDetector, mailchimp.MailchimpDetector, npm.NpmDetector,
               pypi_token.PypiTokenDetector, discord.DiscordBotTokenDetector,
               telegram_token.TelegramBotTokenDetector, jwt.JwtTokenDetector,
               openai.OpenAIDetector, artifactory.ArtifactoryDetector,
               cloudant.CloudantDetector, ibm_cloud_iam.IbmCloudIamDetector,
               ibm_cos_hmac.IbmCosHmacDetector, softlayer.SoftlayerDetector,
               square_oauth.SquareOAuthDetector]
    # "denylist" is a class attribute of each plugin (an abstract property on their base)
    return tuple((*_PLUGIN_NEEDS[plugin.__name__],
                  tuple(cast("Iterable[re.Pattern[str]]", plugin.denylist)))
                 for plugin in plugins)


# A key's shape filled with a placeholder: its random part one character repeated
# ("AKIAXXXXXXXXXXXXXXXX", "sk-xxxxxxxxxxxxxxxxxxxxxxxx", "ghp_000000…") or ending in
# EXAMPLE, as vendors' documentation prints them ("AKIAIOSFODNN7EXAMPLE").
_PLACEHOLDER_KEY = re.compile(r"([Xx*0])\1{7,}$|EXAMPLE(?:KEY)?$")


class VendorKeys:
    """Spans of vendor-shaped keys, whatever their letters, but for placeholders: a key
    whose random part is one character repeated ("AKIAXXXXXXXXXXXXXXXX") or that ends in
    EXAMPLE as vendors' documentation prints them ("AKIAIOSFODNN7EXAMPLE") holds no secret."""

    def __init__(self) -> None:
        from detect_secrets.plugins.jwt import JwtTokenDetector

        self.plugins = library_plugins()
        self._jwt = JwtTokenDetector.denylist[0]
        self._valid_jwt = JwtTokenDetector.is_formally_valid

    def find(self, text: str, lowered: str, lines: Lines, longest_word: int) -> Iterator[Span]:
        for start, end in self._shaped(text, lowered, lines, longest_word):
            if not _PLACEHOLDER_KEY.search(text[start:end]):
                yield start, end

    def _shaped(self, text: str, lowered: str, lines: Lines, longest_word: int
                ) -> Iterator[Span]:
        """``lowered`` is the text in lowercase, ``longest_word`` its longest run without
        whitespace: every key here has at least 15 characters, a library plugin's 20. Each
        pattern runs on the lines that hold its plugin's cue, not over the whole text."""
        if longest_word < 15:
            return
        for start, end in lines.holding(text, _PREFIXES):
            for match in _PREFIXED.finditer(text, start, end):
                if not (match.start() and text[match.start() - 1] in _TOKEN_CHARACTERS):
                    yield match.span()
        if longest_word < _SHORTEST:
            return
        for cues, shortest, patterns in self.plugins:
            if longest_word < shortest:
                continue
            if cues:
                where = lines.around(p for cue in cues
                                     for haystack in [text if cue.isupper() else lowered]
                                     if cue in haystack for p in occurrences(haystack, cue))
            else:  # no fixed part: the lines with a run as long as the key
                where = lines.around(m.start() for m in re.finditer(rf"\S{{{shortest}}}", text))
            for start, end in where:
                for pattern in patterns:
                    for match in pattern.finditer(text, start, end):
                        span = self._value(text, match)
                        if span is None:
                            continue
                        if pattern is self._jwt and not self._valid_jwt(text[slice(*span)]):
                            continue  # its header and payload must be base64 JSON
                        yield span

    @staticmethod
    def _value(text: str, match: re.Match[str]) -> Span | None:
        """Where the key is in a match. A group is the value when the rest of the match is
        its context (a name, "=", quotes, "://"); when the rest is token characters too, the
        group marks a part of the token (GitHub's "(ghp|gho…)_") and the whole is the value."""
        start, end = match.span()
        if match.lastindex:
            group = next(i for i in range(1, match.lastindex + 1) if match.group(i))
            outside = text[start:match.start(group)] + text[match.end(group):end]
            if _TOKEN_RUN.fullmatch(outside) is None:
                start, end = match.span(group)
        value = text[start:end]
        edge = _EDGES.match(value) or _URL_PREFIX.match(value)
        if edge:
            start += edge.end()
        value = text[start:end].split()[0] if text[start:end].strip() else ""
        end = start + len(value.rstrip("\"'"))
        if end - start < _SHORTEST:
            return None
        # A key glued into a longer run of token characters is a part of something else.
        if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            return None
        return start, end

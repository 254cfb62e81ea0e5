"""Secrets in every shape: vendor keys (detect-secrets' plugins), credentials in URLs, headers,
command lines and config files, names for a password in several languages; and what is not a
secret however it looks (placeholders, code references, hashes, identifiers, paths).

Every case runs through the real scanner with all detectors (``Scanner.from_settings``) and
through ``SecretDetector`` alone; spans are exact: the value, not the name before it.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hybridai.config import PrivacySettings
from hybridai.policies.privacy.scanner import Scanner
from hybridai.policies.privacy.secrets import PrivateKeyDetector, SecretDetector
from hybridai.policies.privacy.vendor_keys import library_plugins

_rng = random.Random(15)
ALNUM = string.ascii_letters + string.digits


def rand(pool: str, n: int) -> str:
    return "".join(_rng.choice(pool) for _ in range(n))


SCANNER = Scanner.from_settings(PrivacySettings())
DETECTOR = SecretDetector()


def secrets_found(text: str) -> list[str]:
    return [text[f.start:f.end] for f in SCANNER.scan(text) if f.kind == "secret"]


def detector_found(text: str) -> list[str]:
    return [text[a:b] for a, b in DETECTOR.find(text)]


def jwt() -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return (f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': '1234567890', 'iat': 1})}."
            + rand(ALNUM + "_-", 43))


# -- what must be found, and exactly where -----------------------------------------------------

SLACK_HOOK = "T04BZ3KQ1/B06F2LM8X9R/q2Wm7Xc9LpT4Rz8Yb3Nv6Hd1"  # made-up, well-formed
GITHUB = "ghp_" + rand(ALNUM, 36)
FOUND: list[tuple[str, list[str]]] = [
    # the leaks
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", ["dXNlcjpwYXNzd29yZA=="]),
    (f"curl -X POST https://hooks.slack.com/services/{SLACK_HOOK} -d @msg.json", [SLACK_HOOK]),
    ("sshpass -p 'S3cure!pw' ssh admin@host", ["S3cure!pw"]),
    ("postgres://app:p#ss@db/x", ["p#ss"]),
    ("Passwort: Sommer2024!", ["Sommer2024!"]),
    ("mot de passe : Soleil-2024", ["Soleil-2024"]),
    ("contraseña: Verano2024", ["Verano2024"]),
    # URLs: the password whatever it holds; the user and host stay
    ("postgres://app:p@ss@db.internal:5432/app", ["p@ss"]),
    ("mysql://root:pa?ss/w0rd@10.0.0.5/db", ["pa?ss/w0rd"]),
    ("redis://:p%23ss%40w@cache:6379/0", ["p%23ss%40w"]),
    (f"git clone https://bob:{GITHUB}@github.com/org/repo.git", [GITHUB]),
    ("amqp://guest:Gu3st:Rabbit@mq.example.com", ["Gu3st:Rabbit"]),
    # headers
    ("curl -H 'Authorization: Bearer abc123def456ghi789' https://api.example.com",
     ["abc123def456ghi789"]),
    ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
     ["9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"]),
    ("Proxy-Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", ["YWxhZGRpbjpvcGVuc2VzYW1l"]),
    ('Authorization: Digest username="bob", nonce="dcd98b71", response="6629fae4"',
     ['username="bob", nonce="dcd98b71", response="6629fae4"']),
    ("X-API-Key: 2f5ae96c-b558-4c7b-a590-a501ae1c3f6c", ["2f5ae96c-b558-4c7b-a590-a501ae1c3f6c"]),
    ("Private-Token: x9Fh2kLm7Qp4Rt8Zs1Vb", ["x9Fh2kLm7Qp4Rt8Zs1Vb"]),
    ("Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark",
     ["8f14e45fceea167a5a36dedd4bea2543"]),
    ('headers = {"Authorization": "Bearer sk_9aF3kQ7xL2mP8vR4"}', ["sk_9aF3kQ7xL2mP8vR4"]),
    ('{"headers": {"authorization": "Basic dXNlcjpwYXNzd29yZA=="}}', ["dXNlcjpwYXNzd29yZA=="]),
    # command lines
    ("mysql -u root -pS3cret -h db", ["S3cret"]),
    ("mysqldump --user=root --password=Dump!2024 shop > shop.sql", ["Dump!2024"]),
    ("pg_dump --password Pg-dump-77 -h db", ["Pg-dump-77"]),
    ("curl -u admin:Sup3rS3cret https://example.com/api", ["Sup3rS3cret"]),
    ("PGPASSWORD=Tr1cky-pw psql -h db -U app", ["Tr1cky-pw"]),
    ("docker login -u bob -p Dock3rPass! registry.example.com", ["Dock3rPass!"]),
    ("redis-cli -a R3disPass! ping", ["R3disPass!"]),
    ("keytool -list -keystore ks.jks -storepass Chang3dIt", ["Chang3dIt"]),
    ("openssl pkcs12 -in a.p12 -passin pass:MyP4ss -nodes", ["MyP4ss"]),
    ("smbclient //fs/share -U alice%W1nter!", ["W1nter!"]),
    ("sqlplus scott/T1ger99@orcl", ["T1ger99"]),
    ("docker run -e POSTGRES_PASSWORD=pg-S3cret-1 postgres:16", ["pg-S3cret-1"]),
    # config files
    ("DB_HOST=db\nDB_PASSWORD=hunter2hunter2", ["hunter2hunter2"]),
    ("export OPENAI_API_KEY='s3cr3t-0p3n-k3y'", ["s3cr3t-0p3n-k3y"]),
    ("database:\n  host: db\n  password: Yaml-Pa55\n", ["Yaml-Pa55"]),
    ('{"username": "app", "password": "correct horse battery"}', ["correct horse battery"]),
    ("[db]\nuser = app\npassword = hunter2", ["hunter2"]),
    ("<password>Xml-S3cret</password>", ["Xml-S3cret"]),
    ('<add key="ApiKey" value="a1b2c3d4e5f6g7h8"/>', ["a1b2c3d4e5f6g7h8"]),
    ("env:\n  - name: DB_PASSWORD\n    value: K8s-S3cret", ["K8s-S3cret"]),
    ("spring.datasource.password=Spr1ng!", ["Spr1ng!"]),
    ("Server=db;Database=shop;User Id=sa;Password=S3cret!x;", ["S3cret!x"]),
    ("Driver={ODBC};Server=db;Uid=sa;Pwd=0dbc-Pwd;", ["0dbc-Pwd"]),
    ('$password = "Php-S3cret";', ["Php-S3cret"]),
    ("'password' => 'Laravel-9x',", ["Laravel-9x"]),
    ('if password == "hunter22":', ["hunter22"]),
    ('password: str = "Typed-Pa55"', ["Typed-Pa55"]),
    # prose, in several languages
    ("the password for the wifi is Sunflower-Garden-42", ["Sunflower-Garden-42"]),
    ("login as bob with password Pa$$w0rd2024", ["Pa$$w0rd2024"]),
    ("pw for the staging box: do9uDaenaig", ["do9uDaenaig"]),
    ("user Poneve, pass Sah9Jeith", ["Sah9Jeith"]),
    ("das Passwort für den Router lautet Sommer2024!", ["Sommer2024!"]),
    ("Kennwort: Winter-2023", ["Winter-2023"]),
    ("Mein Passwort ist Sonnenblume-42, bitte nicht weitergeben.", ["Sonnenblume-42"]),
    ("Kennwort = Winter-2023", ["Winter-2023"]),
    ("Schlüssel: Xk7-Rt2-Lm9-Vb4", ["Xk7-Rt2-Lm9-Vb4"]),
    ("Zugangsdaten: Admin2024!x", ["Admin2024!x"]),
    ("API-Schlüssel: 9f2Kx7Lq4Mz8Rw3T", ["9f2Kx7Lq4Mz8Rw3T"]),
    ("le mot de passe du wifi est Soleil2024", ["Soleil2024"]),
    ("mdp: Chat-Noir-7", ["Chat-Noir-7"]),
    ("jeton : aB3dE6gH9jK2mN5p", ["aB3dE6gH9jK2mN5p"]),
    ("clé API : Qw3rTy7UiOp1AsDf", ["Qw3rTy7UiOp1AsDf"]),
    ("la contraseña del wifi es Verano2024", ["Verano2024"]),
    ("clave: Luna-Llena-88", ["Luna-Llena-88"]),
    ("la clave es Luna-Llena-88", ["Luna-Llena-88"]),
    ("el token es tk-88f2a9c1d0", ["tk-88f2a9c1d0"]),
    ("a senha do wifi é Praia2024", ["Praia2024"]),
    ("senha: Cafe-Forte-3", ["Cafe-Forte-3"]),
    ("senha = Cafe-Forte-3", ["Cafe-Forte-3"]),
    ("la password del wifi è Mare2024", ["Mare2024"]),
    ("parola d'ordine: Pizza-Margherita-1", ["Pizza-Margherita-1"]),
    ("chiave: Ti4mO9rSe2Lk", ["Ti4mO9rSe2Lk"]),
    ("chiave = Ti4mO9rSe2Lk", ["Ti4mO9rSe2Lk"]),
    ("la parola d'ordine è Gelato-Limone-5", ["Gelato-Limone-5"]),
    ("het wachtwoord van de wifi is Fiets2024", ["Fiets2024"]),
    ("wachtwoord: Tulp-Rood-5", ["Tulp-Rood-5"]),
    ("lösenord: Sill-och-Potatis-9", ["Sill-och-Potatis-9"]),
    ("hasło: Pierogi-2024", ["Pierogi-2024"]),
    ("пароль: qwerty123", ["qwerty123"]),
    ("密码是abc12345", ["abc12345"]),
    ("パスワードは abc12345 です", ["abc12345"]),
    # vendor keys and tokens: the whole token is the secret
    ("aws AKIA4NQRZ7XW2Y6LPF3K key", ["AKIA4NQRZ7XW2Y6LPF3K"]),
    ('aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
     ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]),
    (f"token {GITHUB} leaked", [GITHUB]),
    ("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
     ["xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"]),
    ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc" + " is the key", ["sk_live_4eC39HqLyjWDarjtT1zdp7dc"]),
    ("bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 ok",
     ["123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"]),
    ("npm publish with npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", [
        "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"]),
    ("sk-proj-Q3x9TbL2mN8vR4kZ7yW1aH6c in the script", ["sk-proj-Q3x9TbL2mN8vR4kZ7yW1aH6c"]),
    (f"here: {(token := jwt())}", [token]),
    # named values that are not passwords by shape
    ('api_key = "2f5ae96cb5584c7ba590a501ae1c3f6c"', ["2f5ae96cb5584c7ba590a501ae1c3f6c"]),
    ("token: nonexistent-but-real-9", ["nonexistent-but-real-9"]),
    ("PIN: 4821 and password=123456", ["4821", "123456"]),
    # a random value after "is": a key, even where "secret is" names a virtue
    ("The API secret is 3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e", ["3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"]),
    # a value found once is found wherever it occurs again
    ("export PGPASSWORD=S3cr3t!x\nthen run psql, it asks for S3cr3t!x again",
     ["S3cr3t!x", "S3cr3t!x"]),
]


@pytest.mark.parametrize(("text", "values"), FOUND)
def test_secret_found_exactly(text: str, values: list[str]) -> None:
    assert detector_found(text) == values
    assert secrets_found(text) == values


@pytest.mark.parametrize(("text", "values"), FOUND)
def test_the_hint_lets_every_secret_through(text: str, values: list[str]) -> None:
    # the scanner skips a hinted detector whose hint does not match
    assert re.search(SecretDetector.hint, text)


# Texts without the hint's characters: words for secrets, copulas and plain words in several
# languages, and any letters. The hint is a character class, not the names: what the detector
# finds in such a text must still match it.
_WORDS = ["password", "Password", "PASSWORD", "passwort", "Passwort", "mot de passe", "senha",
          "contraseña", "wachtwoord", "Kennwort", "token", "api key", "secret", "clé", "pwd",
          "is", "ist", "est", "es", "é", "lautet", "for the wifi", "the", "swordfish",
          "Geheimnis", "correcthorsebattery", "sommer", "Soleil", "verano", " ", " ", "\n"]


@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(string.ascii_letters + " ",
                                                            max_size=12)), max_size=10))
@settings(max_examples=300, deadline=None)
def test_nothing_is_found_in_a_text_the_hint_rejects(pieces: list[str]) -> None:
    text = " ".join(pieces)
    if not re.search(SecretDetector.hint, text):
        assert detector_found(text) == []


# -- what must not be found ---------------------------------------------------------------------

NOT_FOUND = [
    # code: names and references, not values (the false positives first)
    "api_key=api_key",
    "user = request.form['password']",
    "password=password",
    "token = self.token",
    'key = os.environ["API_KEY"]',
    's = config.get("secret")',
    "password: str",
    "def login(password):\n    return check(password)",
    "def connect(user: str, password: str, token: Optional[str] = None): ...",
    "password=None",
    "login(user, password=pw_input)",
    "password = new_password",
    "const token = await getToken();",
    "const apiKey = process.env.API_KEY; // never hard-code it",
    'client = OpenAI(base_url="http://127.0.0.1:8080/v1", api_key="unused")',
    '"openai_api_key": "AZURE_OPENAI_API_KEY"',
    "if (password.length < 8) { error('Password too short') }",
    'print("Password:", password, "ok")',
    'headers = {"Authorization": f"Bearer {token}"}',
    'headers = {"Authorization": authorization}',
    "fetch(url, {credentials: 'include', method: 'POST'})",
    "sort(items, key=lambda x: x.name)",
    "max_tokens = 4096",
    "password_length = 12",
    '{"token": "Hello", "logprob": -0.12}',
    # placeholders and templates
    '"password": "<your password>"',
    "PASSWORD=changeme",
    "postgres://app:${DB_PASSWORD}@db/app",
    "password: {{ secret }}",
    'dsn = "user=%(user)s password=%(password)s"',
    "password: ********",
    "token=xxxx",
    'api_key="sk-..."',
    "Authorization: Bearer <token>",
    "Authorization: Bearer ${GITHUB_TOKEN}",
    "password: !vault |",
    "the format is scheme://user:password@host:port/path",
    "http://user:<password>@proxy.local:8080",
    "openssl pkcs12 -in a.p12 -passin env:P12PASS -nodes",
    "mysql -u root -p mydb",
    # prose about passwords, in several languages
    "the password is incorrect, what now?",
    "Password: please enter it below",
    "reset your password: click the link we sent you",
    "the token is rotated daily",
    "a stream that breaks after its first token is continued on the next target",
    "the secret is patience",
    "The API key is stored in the vault.",
    "pass the salt please",
    "use the --username and --password options",
    "Ihr Passwort ist abgelaufen.",
    "Le mot de passe est incorrect.",
    "La contraseña es incorrecta.",
    "Passwort vergessen?",
    "Wachtwoord vergeten?",
    "Neues Passwort festlegen",
    "Token abgelaufen!",
    "la clé est sous le paillasson",
    "the key is under the mat",
    # hashes, IDs, encodings, identifiers, paths, URLs without a password
    "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b and id 123e4567-e89b-12d3-a456-426614174000",
    "sha256: 2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
    '"integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXGOtS/R7qk'
    '2nR2GzVydnNKqpF1Lg=="',
    "decode VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZw== please",
    "class AbstractSingletonProxyFactoryBeanV2Handler3 extends HttpServletRequestWrapper",
    "('PLATLIB/pywin32_system32', '')",
    "see /usr/lib/x86_64-linux-gnu/libQt5Core.so.5 and src/hybridai/policies/privacy/secrets.py",
    "private_key: ~/.ssh/id_rsa",
    '"id": "call_6XswGD5Pqk8Tt5atYr7tfenU"',
    'name == "passthrough" or "sk-toggleable__label-arrow"',
    "english_lower('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_')",
    "assert that an exception in the first pass is handled correctly",
    "visit https://example.com/path/to/page?query=1 and ssh://git@github.com/org/repo.git",
    "connect to postgres://localhost:5432/app as the default user",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_not_a_secret(text: str) -> None:
    assert detector_found(text) == []
    assert secrets_found(text) == []


# -- detect-secrets' plugins: each one's keys are found by the library's own patterns --------------

PLUGIN_SAMPLES = {
    "AWSKeyDetector": "AKIA" + rand(string.ascii_uppercase + string.digits, 16),
    "AzureStorageKeyDetector": "AccountKey=" + rand(ALNUM, 86) + "==",
    "GitHubTokenDetector": "gho_" + rand(ALNUM, 36),
    "GitLabTokenDetector": "glpat-" + rand(ALNUM, 20),
    "SlackDetector": "xoxp-1234567890-1234567890-" + rand("abcdef0123456789", 32),
    "StripeDetector": "rk_live_" + rand(ALNUM, 24),
    "TwilioKeyDetector": "SK" + rand("abcdef0123456789", 32),
    "SendGridDetector": "SG." + rand(ALNUM, 22) + "." + rand(ALNUM, 43),
    "MailchimpDetector": rand("abcdef0123456789", 32) + "-us6",
    "NpmDetector": "//registry.npmjs.org/:_authToken=" + "npm_" + rand(ALNUM, 36),
    "PypiTokenDetector": "pypi-AgEIcHlwaS5vcmc" + rand(ALNUM, 70),
    "DiscordBotTokenDetector": "M" + rand(ALNUM, 23) + "." + rand(ALNUM, 6) + "." + rand(ALNUM, 27),
    "TelegramBotTokenDetector": "123456789:" + rand(ALNUM, 35),
    "JwtTokenDetector": jwt(),
    "OpenAIDetector": "sk-" + rand(ALNUM, 20) + "T3BlbkFJ" + rand(ALNUM, 20),
    "ArtifactoryDetector": "AKC" + rand(ALNUM, 70),
    "CloudantDetector": 'cloudant_password = "' + rand("abcdef0123456789", 64) + '"',
    "IbmCloudIamDetector": 'ibm_cloud_iam_key = "' + rand(ALNUM, 44) + '"',
    "IbmCosHmacDetector": 'secret_access_key = "' + rand("abcdef0123456789", 48) + '"',
    "SoftlayerDetector": 'softlayer_api_key = "' + rand("abcdefghijklmnopqrstuvwxyz0123456789",
                                                         64) + '"',
    "SquareOAuthDetector": "sq0csp-" + rand(ALNUM, 43),
}


def test_every_library_plugin_is_used() -> None:
    assert len(library_plugins()) == len(PLUGIN_SAMPLES)


@pytest.mark.parametrize(("plugin", "sample"), PLUGIN_SAMPLES.items())
def test_library_plugin_keys_are_found(plugin: str, sample: str) -> None:
    text = f"please check this: {sample} thanks"
    found = detector_found(text)
    assert found, plugin
    value = sample.split("=", 1)[1].strip(' "') if "=" in sample[:40] else sample
    assert value in found or any(value in f for f in found), (plugin, found)
    assert secrets_found(text) == found


# -- private keys ---------------------------------------------------------------------------------

def test_private_keys_of_every_format_whole() -> None:
    body = base64.b64encode(bytes(range(96))).decode()
    keys = [f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----",
            f"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key\"\n{body}\n"
            "---- END SSH2 ENCRYPTED PRIVATE KEY ----",
            "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: rsa-key\n"
            f"Public-Lines: 1\n{body}\nPrivate-Lines: 1\n{body}\nPrivate-MAC: 5b3e0f9a"]
    detector = PrivateKeyDetector()
    for key in keys:
        text = f"my key:\n{key}\nwhy does it fail?"
        assert [text[a:b] for a, b in detector.find(text)] == [key]
        assert [(f.kind, text[f.start:f.end]) for f in SCANNER.scan(text)] == [("private_key",
                                                                               key)]


# -- how the library is used -----------------------------------------------------------------------

def test_no_key_is_ever_sent_to_its_vendor(monkeypatch: pytest.MonkeyPatch) -> None:
    # detect-secrets' plugins can verify a key by calling the vendor's API: never here.
    import requests

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a network request from the secret detector")

    monkeypatch.setattr(requests.Session, "request", refuse)
    detector = SecretDetector()
    for text, values in FOUND:
        assert [text[a:b] for a, b in detector.find(text)] == values
    for sample in PLUGIN_SAMPLES.values():
        assert list(detector.find(sample))


def test_importing_the_scanner_loads_no_detect_secrets() -> None:
    code = ("import sys, hybridai.policies.privacy.scanner; "
            "print(any(m.split('.')[0] in ('detect_secrets', 'requests') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"  # it loads when a scanner is built


def test_a_url_user_named_like_a_password_is_the_users() -> None:
    assert secrets_found("use postgres://pw:0@db.example.com:5432/app today") == ["0"]

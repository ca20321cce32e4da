"""Secrets never leave the machine: each kind is replaced by a [REDACTED:<kind>] marker."""

from __future__ import annotations

import base64
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ariadne_hook.summarize.redact import entropy, looks_random, redact, scrub

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----", "private-key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA (cut by the diff)", "private-key"),
    ("key_id = AKIAIOSFODNN7EXAMPLE", "aws-key"),
    ("ghp_" + "A" * 36, "github-token"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv", "github-token"),
    ("xoxb-123456789012-abcdefghijkl", "slack-token"),
    ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "openai-key"),
    ("AIza" + "SyA1234567890abcdefghijklmnopqrstuv", "google-key"),
    ("headers = {'Authorization': 'Bearer abcdef0123456789xyz'}", "bearer-token"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "jwt"),
    ('password = "hunter2"', "password"),
    ("DB_PASSWD: str = 'pa55'", "password"),
    ('config["client_secret"] = "abc123"', "secret"),
    ('{"api_key": "plain-value"}', "secret"),
    ("AUTH_TOKEN := 'zzz'", "secret"),
    ('blob = "Zq8Xv2Lk9Tb4Nw7Yr3Hm6Pd1"', "high-entropy"),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_each_kind_is_redacted(text: str, kind: str) -> None:
    out = redact(text)
    assert f"[REDACTED:{kind}]" in out
    if kind in ("password", "secret"):  # the value after the last = or : (the JSON case has no =)
        secret_part = re.split(r"[=:]", text)[-1].strip(" '\"}")
        assert secret_part and secret_part not in out


@pytest.mark.parametrize(
    "text",
    [
        'name = "the quick brown fox jumps over"',  # spaces: prose
        'path = "/usr/lib/python3.11/site-packages/x"',  # a path
        'url = "https://example.com/a/b/c?d=1234567"',  # a URL
        'ident = "some_long_snake_case_identifier"',  # one case, no digits
        'digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"',  # lowercase hex hash
        "token = os.environ['TOKEN']",  # not a literal
        'password = ""',  # empty
        'author = "Jane Doe"',
    ],
)
def test_ordinary_code_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_configured_secret_is_removed_everywhere() -> None:
    key = "my-very-own-key-1234"
    assert key not in redact(f"x = call({key!r}) # {key}", [key])
    assert scrub(f"failed with {key}", [key]) == "failed with [REDACTED:api-key]"


def test_entropy() -> None:
    assert entropy("") == 0.0
    assert entropy("aaaa") == 0.0
    assert entropy("abcd") == 2.0
    assert looks_random("Zq8Xv2Lk9Tb4Nw7Yr3Hm6Pd1") and not looks_random("Zq8Xv2")


# --- linear time ------------------------------------------------------------------------------------------

_ADVERSARIAL = """
import base64, random, sys, time
from ariadne_hook.summarize.redact import redact
rnd = random.Random(0)
n = 64 * 1024
inputs = {
    "kebab": "a-" * (n // 2), "upper": "A" * n,
    "b64url": base64.urlsafe_b64encode(rnd.randbytes(n)).decode()[:n],
    "b64": base64.b64encode(rnd.randbytes(n)).decode()[:n], "equals": "=" * n, "slashes": "/" * n,
    "dots": "." * n, "quotes": "'\\"" * (n // 2), "keyword-run": "token-" * (n // 6),
    "assignments": "password=" * (n // 9), "sk-run": "sk-" * (n // 3), "dsn-run": "://a:" * (n // 5),
    "jwt-run": "eyJ" * (n // 3), "begin-run": "-----BEGIN RSA PRIVATE KEY-----" * (n // 31),
    "header-run": "Authorization: " * (n // 15), "pem-lines": ("A" * 64 + "\\n") * (n // 65),
    "megabyte-line": base64.urlsafe_b64encode(rnd.randbytes(1 << 20)).decode(),
    "concat-run": '"a" ' * (n // 4), "concat-lines": '"ab"\\n' * (n // 5),
    "xml-run": "<password>" * (n // 10),
    "xml-attr-run": 'key="password" value="' * (n // 22), "netrc-run": "machine a login b " * (n // 18),
    "login-run": "docker login " * (n // 13), "mysql-run": "mysql " * (n // 6),
    "option-run": "--password " * (n // 11), "pair-run": "Password=x;" * (n // 11),
    "wrap-run": "password = bytes.fromhex(" * (n // 25),
    "escaped-lines": "\\\\npassword=x" * (n // 12), "psk-run": 'PSK "' * (n // 5),
}
for name, text in inputs.items():
    start = time.perf_counter()
    redact(text)
    print(name, round(time.perf_counter() - start, 3), flush=True)
"""


def test_redaction_is_linear_on_adversarial_input() -> None:
    """64 KB runs of each character class the patterns use, and a 1 MB line: the old quadratic rule took
    minutes on the first one; a generous bound, not a timing window, so a busy machine cannot flake it."""
    out = _run_bounded(_ADVERSARIAL, 90)
    assert out is not None, "redact did not finish the 29 adversarial inputs within 90 s"
    assert len(out.splitlines()) == 29, out


def _run_bounded(script: str, seconds: float) -> str | None:
    """The script's stdout, or None when it ran past `seconds` (then what it printed is in the message)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=seconds,
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        done = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout
        print(f"finished before the timeout:\n{done}")
        return None
    return proc.stdout


def test_a_long_line_is_scanned_in_windows_and_a_long_random_run_is_still_caught() -> None:
    token = base64.urlsafe_b64encode(random.Random(1).randbytes(48_000)).decode()
    out = redact(f"x = '{token}'")
    assert all(token[i : i + 24] not in out for i in range(0, len(token) - 24, 997))
    assert redact("a-" * 5000) == "a-" * 5000
    assert redact("A" * 10_000) == "A" * 10_000


# --- what leaked before -----------------------------------------------------------------------------------

LEAKED_BEFORE = [
    # DSN passwords, any scheme
    ("postgres://app:PgPassw0rd@db.internal:5432/app", "PgPassw0rd"),
    ('url = "mysql://root:My5qlPass@127.0.0.1:3306/shop"', "My5qlPass"),
    ("REDIS_URL=redis://:r3disPW@localhost:6379/0", "r3disPW"),
    ("amqp://guest:rabbitPW9@rabbit:5672/", "rabbitPW9"),
    ('"mongodb+srv://admin:M0ngoPass@cluster0.example.net/test"', "M0ngoPass"),
    ('sql.Open("mysql", "root:g0SqlPass@tcp(127.0.0.1:3306)/app")', "g0SqlPass"),
    # Authorization headers and friends
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("headers = {'Authorization': 'Token 9f2c4e7a1b3d5f6e8a0c'}", "9f2c4e7a1b3d5f6e8a0c"),
    ('req.Header.Set("Authorization", "Bearer abc123def456ghi789")', "abc123def456ghi789"),
    ("curl -u admin:Adm1nPass https://ci.example.com", "Adm1nPass"),
    ("openssl genrsa -passout pass:KeyPass42 2048", "KeyPass42"),
    # unquoted assignments: .env, shell, YAML, JSON, TOML, INI
    ("DB_PASSWORD=changeme", "changeme"),
    (
        "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY",
        "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY",
    ),
    ("  password: hunter2", "hunter2"),
    ("api_token: abcdefghijklmnop", "abcdefghijklmnop"),
    ('{"password": "j50nPass"}', "j50nPass"),  # JSON, quoted: redacted before too (coverage)
    ("password = iniPass9", "iniPass9"),  # INI / TOML without quotes
    ("X-Api-Key: 0123456789abcdef0123", "0123456789abcdef0123"),
    # vendor tokens
    ("sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2", "a1B2c3D4e5F6g7H8i9J0k1L2"),
    ("rk_live_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2"),
    ("sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWDarjtT1zdp7dc"),
    ("glpat-" + "xxxxYYYYzzzz1234abcd", "xxxxYYYYzzzz1234abcd"),
    ("gldt-" + "ABCDEFGHIJ0123456789", "ABCDEFGHIJ0123456789"),
    ("npm_" + "a" * 18 + "B" * 17 + "1", "a" * 18 + "B" * 17 + "1"),
    ("xapp-1-A0123456789-1234567890123-abcdef", "A0123456789-1234567890123-abcdef"),
    ("SG." + "abcdefghijklmnopqrstuv" + "." + "A" * 20 + "b" * 23, "abcdefghijklmnopqrstuv"),
    ("SK" + "0123456789abcdef" * 2, "0123456789abcdef" * 2),
    ("key-" + "0123456789abcdef" * 2, "0123456789abcdef" * 2),
    ("dop_v1_" + "ab" * 32, "ab" * 32),
    ("hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh", "AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"),
    ("pypi-AgEIcHlwaS5vcmc" + "x" * 60, "x" * 60),
    ("shpat_" + "0123456789abcdef" * 2, "0123456789abcdef" * 2),
    ("dapi" + "0123456789abcdef" * 2, "0123456789abcdef" * 2),
    ("https://discord.com/api/webhooks/1234567890/" + "a" * 68, "a" * 68),
    ("123456789:AA" + "h" * 33, "h" * 33),
    ("AccountName=x;AccountKey=" + "QUJD" * 22 + ";EndpointSuffix=core.windows.net", "QUJD" * 22),
    ("HRKU-AA" + "k" * 58, "k" * 58),
    ("client = Anthropic(api_key=None) or 'sk-ant-api03-" + "Q" * 40 + "'", "Q" * 40),  # redacted before too
    # long random runs without quotes
    ("aws_access: wJalrXUtnFEMIK7MDENGbPxRfiCY4EXAMPLEK3Yz", "wJalrXUtnFEMIK7MDENGbPxRfiCY4EXAMPLEK3Yz"),
    ("--data Zq8Xv2Lk9Tb4Nw7Yr3Hm6Pd1Qs5Jc0Gf8Ae2Wu", "Zq8Xv2Lk9Tb4Nw7Yr3Hm6Pd1Qs5Jc0Gf8Ae2Wu"),
]


@pytest.mark.parametrize(("text", "secret"), LEAKED_BEFORE)
def test_what_leaked_before_is_redacted(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out and "[REDACTED:" in out, out


PEM_BODY = [
    base64.b64encode(random.Random(2).randbytes(48 * 5)).decode()[i : i + 64] for i in range(0, 320, 64)
]


def test_a_pem_body_without_its_begin_line() -> None:
    with_end = (
        "+" + "\n+".join([*PEM_BODY, "Zm9vYmFy", "-----END RSA PRIVATE KEY-----"]) + "\n def after():\n"
    )
    out = redact(with_end)
    assert not any(line in out for line in PEM_BODY) and "Zm9vYmFy" not in out
    assert out.endswith(" def after():\n") and out.count("[REDACTED:private-key]") == len(PEM_BODY) + 2
    no_end = '    KEY = """\n' + "\n".join([*PEM_BODY[:3], "Zm9vYmFy"]) + '\n"""\n    return KEY\n'
    out = redact(no_end)
    assert not any(line in out for line in PEM_BODY[:3]) and "Zm9vYmFy" not in out and "return KEY" in out


@pytest.mark.parametrize(
    "text",
    [
        'rev = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"',  # a git SHA not given to a secret-like name
        "id: 123e4567-e89b-12d3-a456-426614174000",  # a UUID
        "token = self.token",  # references, not values
        "password = get_password(prompt)",
        "    password=password,",
        "    token: str",
        "    def __init__(self, password: str | None = None) -> None:",
        "api_key = os.environ.get('API_KEY')",
        'password = f"{user}"',
        'if token == "":',
        "password_file = /run/secrets/db",  # names that describe the secret
        'TOKEN_URL = "https://example.com/oauth/token"',
        'token_type = "Bearer"',
        'help="The password to use."',
        "Bearer authentication is used.",  # prose
        "docker run -u 1000:1000 image",
        "https://example.com:8443/path@version",
        "--some-very-long-kebab-case-option-name-here",
        "TestParseArgumentsWithDefaultValues2",
        'name = "SomeVeryLongCamelCaseClassName123"',
        "github.com/spf13/cobra/doc/man_docs_test.go",
        "postgres://app:${DB_PASSWORD}@db/app",
        "[REDACTED:password]",
    ],
)
def test_code_that_is_not_a_secret_is_left_alone(text: str) -> None:
    assert redact(text) == text


# --- what still leaked (issue 16, case 9): a secret given by a format or a command line, on the next line,
# in pieces, or as hex key material -----------------------------------------------------------------------

LEAKED_II = [
    # connection strings (.NET, JDBC, ODBC) and query strings
    ('"Server=tcp:db.example.net,1433;Initial Catalog=app;User ID=svc;Password=Zx9!cs-Pass;"', "Zx9!cs-Pass"),
    ("cs := \"Data Source=sql01;Uid=app;Pwd=Pwd4Conn;Encrypt=true\"", "Pwd4Conn"),
    ('"jdbc:sqlserver://h:1433;databaseName=db;user=sa;password=J3dbcPw;"', "J3dbcPw"),
    ('"Driver={PostgreSQL};Server=h;UID=u;PWD={br@ced;pw};"', "br@ced;pw"),
    ("'Provider=SQLOLEDB;Data Source=h;User Id=u;Password=0led8Pass'", "0led8Pass"),
    ('fetch(`${BASE}/login?user=ops&password=Qry5tring&next=/`)', "Qry5tring"),
    ('get("https://api.example.com/v2/items?access_token=Acc3ssTok9&page=2")', "Acc3ssTok9"),
    # the value on the next line
    ('    password=(\n        "Nxt-line-pw1"\n    ),', "Nxt-line-pw1"),
    ('SECRET_KEY = bytes.fromhex(\n    "00112233445566778899aabbccdd"\n)', "00112233445566778899aabbccdd"),
    ('+    api_key =\n+        "Ak9-next-line-value"', "Ak9-next-line-value"),
    ('  "password":\n    "J5on-next-line",', "J5on-next-line"),  # redacted before too (coverage)
    ("DB_PASSWORD = \\\n    'Bs-continued-9'", "Bs-continued-9"),
    # XML
    ("<password>Mvn5ettings</password>", "Mvn5ettings"),
    ("<db:Password>Ns-Pw-7</db:Password>", "Ns-Pw-7"),
    ('<Secret encrypted="false">Xm1Secret</Secret>', "Xm1Secret"),
    ('<add key="SmtpPassword" value="Smtp-Pw-42" />', "Smtp-Pw-42"),
    ('<entry name="api.token" value="Entr9Tok"/>', "Entr9Tok"),
    # .netrc
    ("machine api.heroku.com login me@example.com password Nrc1Heroku", "Nrc1Heroku"),
    ("machine git.example.com\n    login ci\n    password Nrc2Multi", "Nrc2Multi"),
    ('"machine h login u password Nrc3InString\\n"', "Nrc3InString"),
    # command lines
    ("docker login -u bot -p D0ckPw registry.example.com", "D0ckPw"),
    ('["docker", "login", "--username", "bot", "--password", "D0ckList"]', "D0ckList"),
    ("podman login --password=P0dEq quay.io", "P0dEq"),
    ("helm registry login ghcr.io -u bot -p H3lmPw", "H3lmPw"),
    ("mysql -h db -u root -pMyAttach9 shop", "MyAttach9"),
    ("mysqldump --user=root --password=DumpEq9 shop", "DumpEq9"),
    ("sshpass -p 'ssh space pw' ssh host", "ssh space pw"),
    ("sshpass -pSshGlued1 scp f host:", "SshGlued1"),
    ("redis-cli -h cache -a R3disCli ping", "R3disCli"),
    ('exec.Command("redis-cli", "-a", "R3disArgs")', "R3disArgs"),
    ("mongodump --uri x --password Mong0Pw", "Mong0Pw"),
    ("./deploy.sh --admin-password=Adm1nOpt --env prod", "Adm1nOpt"),
    ("vault login --token Vlt-T0ken-9", "Vlt-T0ken-9"),
    # redis, PSKs, .npmrc
    ("requirepass Rq-Pass-77", "Rq-Pass-77"),
    ('"bind 127.0.0.1\\nrequirepass RqEsc9\\n"', "RqEsc9"),
    ("masterauth MstrAuth5", "MstrAuth5"),
    ('config_set("requirepass", "RqCall8")', "RqCall8"),
    ('\tpsk="home wifi passphrase"', "home wifi passphrase"),
    ("wpa_passphrase=H0stapdPw", "H0stapdPw"),  # redacted before too (coverage)
    ('"ssid=x\\nwpa_psk=Wp4Esc\\n"', "Wp4Esc"),
    (': PSK "ipsec-pre-shared"', "ipsec-pre-shared"),
    ("//registry.npmjs.org/:_auth=dXNlcjpzM2NyZXQ=", "dXNlcjpzM2NyZXQ="),
    ("_auth=bnBtOnBhc3N3b3Jk\nalways-auth=true", "bnBtOnBhc3N3b3Jk"),
    ("//npm.pkg.github.com/:_authToken=0b1c2d3e-aaaa-4bbb-8ccc-0d1e", "0b1c2d3e-aaaa-4bbb"),  # (coverage)
    ("//registry.example.com/:_password=cGFzc3dvcmQx", "cGFzc3dvcmQx"),
    # tokens in pieces
    ('gh = Github("ghp_Ab1Cd2Ef3" + "Gh4Ij5Kl6Mn7" + "Op8Qr9St0Uv1Wx")', "Gh4Ij5Kl6Mn7"),
    ('KEY = ("AKIA" "IOSFODNN7EXAMPL3")', "IOSFODNN7EXAMPL3"),
    ('slack.New("xoxb-1234" +\n\t"567890123-" + "Ab1Cd2Ef3G")', "567890123-"),
    ("const k = 'sk_live_' + '4eC39HqL' + 'yjWDarjtT1zdp7dc';", "yjWDarjtT1zdp7dc"),
    ('password = ("corr3ct-"\n            "h0rse")', "h0rse"),
    # hex key material given to a key name
    ('hmac_key = "9f86d081884c7d659a2feaa0c55ad015"', "9f86d081884c7d659a2feaa0c55ad015"),
    ('SIGNING_KEY = bytes.fromhex("a3f1c2d4e5f60718293a4b5c6d7e8f90")', "a3f1c2d4e5f60718293a4b5c6d7e8f90"),
    ('signingKey := []byte("0123456789abcdef0123456789abcdef")', "0123456789abcdef0123456789abcdef"),
    ('const HMAC_KEY = Buffer.from("fedcba9876543210fedcba9876543210", "hex");', "fedcba9876543210fedcba98"),
    ('byte[] aesKey = HexFormat.of().parseHex("00ff00ff00ff00ff00ff00ff");', "00ff00ff00ff00ff00ff"),
    ('AES_KEY = ["c0ffeec0ffeec0ffeec0ffeec0ffee00"].pack("H*")', "c0ffeec0ffeec0ffeec0ffee"),
    ("JWT_KEY=5e884898da28047151d0e56f8dc62927", "5e884898da28047151d0e56f8dc62927"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "secret"), LEAKED_II)
def test_secret_forms_that_reached_a_request_body_are_redacted(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out and "[REDACTED:" in out, out
    assert redact(out) == out


STILL_NOT_SECRETS = [
    "self._password = password",
    "_auth = AuthBase()",
    "pwd = os.getcwd()",
    "const pwd = process.cwd();",
    'password = getpass("Password: ")',
    'token = request.args.get("token")',
    'api_key = os.environ.get("API_KEY")',
    "token = tokenize(source)",
    'PASSWORD_HASHERS = (\n    "django.contrib.auth.hashers.PBKDF2PasswordHasher",\n)',
    'AUTH_PASSWORD_VALIDATORS = [\n    {"NAME": "x"},\n]',
    'msg = ("hello "\n       "world")',
    'parser.add_argument("--password", "-p", help="the password")',
    '@click.option("--token", envvar="TOKEN", help="API token")',
    "      --token string   the token to use",
    "  --password PASSWORD  the password",
    "docker login --password-stdin ghcr.io",
    "docker run -p 8080:80 nginx",
    "mysql -u root -p shop",
    "mysql -h db -P 3306 -u app",
    'fmt = "Server={0};Password={1};"',
    'cs = f"Server={host};Password={password};"',
    '"Server=x;Password=${DB_PASSWORD};"',
    "The default password is admin.",
    "machine learning models",
    "<password>${env.DB_PASSWORD}</password>",
    "<tokenEndpoint>https://id.example.com/token</tokenEndpoint>",
    '<add key="PasswordPolicy" value="strict"/>',
    "requirepass foobared" if False else "# requirepass <your-password>",
    "for (i = 0; token = next(); i++)",
    "url = base + '?page=2&sort=name'",
    'key = ("abc" "def")',
    'hashes = ["9f86d081884c7d659a2feaa0c55ad015", "a3f1c2d4e5f60718293a4b5c6d7e8f90"]',
    "        elif not password:\n            error = 'Password is required.'",  # flask's tutorial
    '\t\t\tKey:   "Authorization",\n\t\t\tValue: "Bearer " + password,',  # gin's tests
    "//    <password>123</password>",
    '"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + "0123456789-._~"',  # requests' utils
    "var secret = this.req.secret;",  # express
    "- `FloatArg`\n- `IntArg`\n- `Int8Arg`\n- `Int16Arg`\n- `Int32Arg`\n- `Uint64Arg`",  # urfave/cli docs
]


@pytest.mark.parametrize("text", STILL_NOT_SECRETS)
def test_new_forms_leave_ordinary_code_alone(text: str) -> None:
    assert redact(text) == text


def test_a_hunk_name_carries_no_secret_into_a_unit() -> None:
    """A hunk's name quotes git's hunk context, a line of the file: the unit's header is redacted too."""
    from ariadne_hook.models import FunctionChange
    from ariadne_hook.summarize.prompt import build_unit

    context = 'DB_PASSWORD = "Hunk-Ctx-Pw9"'
    change = FunctionChange(
        "app.py", None, f"hunk at line 4: {context}", "hunk", "modified", "python", (4, 8), (4, 8), None,
        None, f"@@ -4,5 +4,5 @@ {context}\n # c\n-def f():\n+def f(:",
    )  # fmt: skip
    text = build_unit(change, 4000).text
    assert "Hunk-Ctx-Pw9" not in text and text.count("[REDACTED:password]") == 2, text


def test_redaction_is_idempotent() -> None:
    for text, _ in LEAKED_BEFORE:
        once = redact(text)
        assert redact(once) == once


# --- the real path: the CLI against a loopback server ------------------------------------------------------


def test_no_planted_secret_reaches_a_request_body(tmp_path: Path) -> None:
    """A subset of the corpus (every form) staged in a real repository, the real CLI, a loopback server:
    every planted function is sent whole (not trimmed), and no planted value is in any body."""
    from tests.secret_corpus import SUBSET, leaks, run_cli, sent_whole

    run = run_cli(tmp_path, SUBSET)
    assert run.exit_code == 0, run.stderr
    for name in run.names:
        assert any(sent_whole(name, prompt) for prompt in run.prompts), name
    assert not any("lines trimmed" in prompt for prompt in run.prompts)
    assert {p.form for p in SUBSET} >= {"python", "javascript", "go", "yaml", "env", "shell", "json", "toml"}
    assert [(p.form, p.value) for p in leaks(SUBSET, run.bodies)] == []


def test_dry_run_shows_the_redacted_text_that_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new forms staged in a real repository: --dry-run prints exactly the bodies a real run sends (the
    walkthrough aside, which comes after), and neither holds a planted value."""
    import json

    from tests.gitutil import commit_all, init_repo, stage_all, write
    from tests.llm_server import LLMServer, user_prompt
    from tests.runner import clean_env, run_main
    from tests.secret_corpus import FORMS_II, PLANTS, leaks, write_corpus

    plants = [p for p in PLANTS if p.form in FORMS_II]
    repo = init_repo(tmp_path / "repo")
    write(repo, "README.md", "x\n")
    commit_all(repo)
    write_corpus(repo, plants)
    stage_all(repo)
    with LLMServer() as server:
        env = clean_env(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test-fake-key-000")
        code, out, err = run_main(["--dry-run", "--deadline", "120"], repo, env, capsys)
        assert code == 0 and server.requests == 0, err
        printed = json.loads(out)
        code, _, err = run_main(["--no-cache", "--deadline", "120", "-o", "-"], repo, env, capsys)
        assert code == 0, err
        sent = [b for b in server.bodies if not user_prompt(b).startswith(("Walkthrough", "Commit subject"))]
    assert printed and sorted(json.dumps(b, sort_keys=True) for b in printed) == sorted(
        json.dumps(b, sort_keys=True) for b in sent
    )
    assert [(p.form, p.value) for p in leaks(plants, printed)] == []
    assert "[REDACTED:" in out

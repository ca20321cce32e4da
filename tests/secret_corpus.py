# ruff: noqa: E501  (the table of plants reads best one plant a line)
"""Planted secrets in the forms code really holds them, and a real run of the CLI that looks for them.

Every `Plant` is one secret value in one form (Python, JS, Go, YAML, .env, shell, JSON, TOML, a DSN, an HTTP
header, a PEM body without its BEGIN line, a vendor token; and `FORMS_II`: connection and query strings, a
value on the next line, XML, .netrc, command lines, redis, PSKs, .npmrc, tokens in pieces, hex key material,
also in Java and Ruby files). `write_corpus` writes them into source files, one
function per plant, so that each one reaches the summarizer as a changed function (non-code files such as
YAML are never sent at all: the YAML, .env, shell, JSON, TOML and header forms sit in string literals of
code, where they are sent). `run_cli` stages the corpus in a real repository and runs the real CLI against
a loopback OpenAI-compatible server; `leaks` lists the planted values found in the captured request bodies.

Used by tests/test_redact.py (a subset) and benchmarks/secret_corpus.py (all of it).
"""

from __future__ import annotations

import base64
import json
import os
import random
import string
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.gitutil import commit_all, init_repo, stage_all, write
from tests.llm_server import LLMServer

ROOT = Path(__file__).resolve().parents[1]
_rng = random.Random(9)


def _pick(alphabet: str, n: int) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"


def _alnum(n: int) -> str:
    """Random alphanumerics with at least one digit, one upper and one lower case letter (as keys are)."""
    while True:
        value = _pick(ALNUM, n)
        if any(c.isdigit() for c in value) and value.lower() != value and value.upper() != value:
            return value


def _b64(n: int) -> str:
    return base64.b64encode(_rng.randbytes(n)).decode()


@dataclass(frozen=True)
class Plant:
    form: str  # python, javascript, go, yaml, env, shell, json, toml, dsn, header, pem, vendor, and FORMS_II
    language: str  # the file it is written into: python | javascript | go | java | ruby
    value: str  # the secret: no part of it may reach a request body
    code: str  # the function body (lines, indented for the language) holding {v}
    pieces: tuple[str, ...] = ()  # a value written in pieces ("ghp_" + "…"): each piece holds {v0}, {v1}…


def _p(form: str, language: str, value: str, code: str) -> Plant:
    return Plant(form, language, value, code.replace("{{", "{").replace("}}", "}"))


def _split(form: str, language: str, pieces: Sequence[str], code: str) -> Plant:
    """A secret written as pieces joined in the code: ``{v0}``, ``{v1}``… in ``code`` are the pieces."""
    return Plant(form, language, "".join(pieces), code.replace("{{", "{").replace("}}", "}"), tuple(pieces))


def _pem_body(lines: int) -> list[str]:
    body = _b64(48 * lines + 20)
    return [body[i : i + 64] for i in range(0, len(body), 64)]


def _plants() -> list[Plant]:
    aws_secret = _pick(B64, 40)
    plants = [
        # Python source
        _p("python", "python", "Tr0ub4dor&3-horse", '    password = "{v}"\n    return password'),
        _p("python", "python", "pa55-" + _alnum(8), "    DB_PASSWORD: str = '{v}'\n    return DB_PASSWORD"),
        _p("python", "python", _alnum(24), '    settings["client_secret"] = "{v}"\n    return settings'),
        _p("python", "python", _pick(HEX, 40), "    token = '{v}'\n    return token"),
        _p("python", "python", "correct horse battery staple 42", '    passphrase = "{v}"\n    return passphrase'),
        _p("python", "python", aws_secret, '    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "{v}")'),
        _p("python", "python", _alnum(32), '    blob = "{v}"\n    return blob'),
        _p("python", "python", _alnum(30), "    return Client(api_key='{v}')"),
        # JavaScript source
        _p("javascript", "javascript", "s3cr3t-" + _alnum(10), '  const password = "{v}";\n  return password;'),
        _p("javascript", "javascript", _alnum(28), "  return {{ secret: '{v}' }};"),
        _p("javascript", "javascript", _alnum(36), '  const config = {{ apiKey: "{v}" }};\n  return config;'),
        _p("javascript", "javascript", _alnum(26), "  this.accessToken = '{v}';"),
        # Go source
        _p("go", "go", "g0-" + _alnum(14), '\tpassword := "{v}"\n\treturn password'),
        _p("go", "go", _alnum(40), '\tawsSecret := "{v}"\n\treturn awsSecret'),
        _p("go", "go", _alnum(32), '\tvar apiKey = "{v}"\n\treturn apiKey'),
        # YAML, .env, shell, JSON, TOML inside string literals
        _p("yaml", "python", "hunter2" + _alnum(6), '    return """\ndatabase:\n  password: {v}\n"""'),
        _p("yaml", "python", _alnum(20), '    return """\nstripe:\n  api_key: "{v}"\n"""'),
        _p("yaml", "python", _pick(B64, 40), '    return """\naws_secret_access_key: {v}\nregion: eu-west-1\n"""'),
        _p("yaml", "javascript", "yamlpass" + _alnum(5), "  return `\n- name: db\n  passwd: {v}\n`;"),
        _p("env", "python", _alnum(18), '    return """\nDB_PASSWORD={v}\nDEBUG=1\n"""'),
        _p("env", "python", "correcthorsebattery", '    return """\nREDIS_PASSWORD={v}\n"""'),
        _p("env", "javascript", _alnum(50), "  return `\nSECRET_KEY={v}\nPORT=8000\n`;"),
        _p("env", "go", _alnum(24), "\treturn `\nAPP_TOKEN={v}\n`"),
        _p("shell", "python", _pick(B64, 40), '    return """\nexport AWS_SECRET_ACCESS_KEY={v}\n"""'),
        _p("shell", "python", "Adm1n-" + _alnum(8), '    return "curl -u admin:{v} https://ci.example.com/api"'),
        _p("shell", "go", "pem-" + _alnum(12), '\treturn "openssl genrsa -aes256 -passout pass:{v} 2048"'),
        _p("shell", "javascript", _alnum(22), "  return `\nexport DATABASE_PASSWORD={v}\n`;"),
        _p("json", "python", "j50n-" + _alnum(10), "    return '{{\"password\": \"{v}\", \"user\": \"app\"}}'"),
        _p("json", "javascript", _alnum(40), "  return '{{\"client_secret\": \"{v}\"}}';"),
        _p("json", "go", _alnum(32), '\treturn `{{"token": "{v}", "ttl": 30}}`'),
        _p("toml", "python", "t0ml-" + _alnum(9), '    return """\n[database]\npassword = "{v}"\n"""'),
        _p("toml", "python", _alnum(30), "    return \"\"\"\n[app]\nsecret_key = '{v}'\n\"\"\""),
        _p("toml", "go", "ini" + _alnum(8) + "9", "\treturn `\n[db]\npassword = {v}\n`"),
        # DSNs
        _p("dsn", "python", "PgPass-" + _alnum(8), '    return connect("postgres://app:{v}@db.internal:5432/app")'),
        _p("dsn", "python", _alnum(16), '    return "mysql://root:{v}@127.0.0.1:3306/shop"'),
        _p("dsn", "javascript", _alnum(20), '  return "mongodb+srv://admin:{v}@cluster0.example.net/test";'),
        _p("dsn", "go", _alnum(12), '\treturn "redis://:{v}@localhost:6379/0"'),
        _p("dsn", "go", "rabbit" + _alnum(6), '\treturn "amqp://guest:{v}@rabbit:5672/"'),
        _p("dsn", "go", "gosql" + _alnum(7), '\treturn sql.Open("mysql", "root:{v}@tcp(127.0.0.1:3306)/app")'),
        _p("dsn", "python", _alnum(14), '    return """\nDATABASE_URL=postgresql://svc:{v}@pg:5432/app\n"""'),
        # HTTP headers
        _p("header", "python", _b64(18), '    return {{"Authorization": "Basic {v}"}}'),
        _p("header", "python", _alnum(40), '    return {{"Authorization": "Bearer {v}"}}'),
        _p("header", "javascript", _alnum(40), "  return {{ Authorization: 'Token {v}' }};"),
        _p("header", "go", _alnum(36), '\treq.Header.Set("Authorization", "Bearer {v}")'),
        _p("header", "python", _alnum(32), '    return """\nGET / HTTP/1.1\nX-Api-Key: {v}\n"""'),
        _p("header", "python", _b64(24), '    return "curl -H \'Authorization: Basic {v}\' https://x"'),
        # vendor tokens
        _p("vendor", "python", "sk_live_" + _alnum(24), '    return stripe.Client("{v}")'),
        _p("vendor", "python", "rk_live_" + _alnum(24), "    return ('{v}',)"),
        _p("vendor", "javascript", "sk_test_" + _alnum(24), "  return new Stripe('{v}');"),
        _p("vendor", "python", "glpat-" + _pick(URLSAFE, 20), "    return gitlab.Gitlab(URL, private_token='{v}')"),
        _p("vendor", "go", "gldt-" + _pick(URLSAFE, 20), '\treturn "{v}"'),
        _p("vendor", "python", "glrt-" + _pick(URLSAFE, 20), '    register("{v}")'),
        _p("vendor", "javascript", "npm_" + _pick(ALNUM, 36), '  return "//registry.npmjs.org/:_authToken={v}";'),
        _p("vendor", "python", "xoxb-" + _pick(string.digits, 12) + "-" + _alnum(24), '    return WebClient("{v}")'),
        _p("vendor", "go", "xoxp-" + _pick(string.digits, 11) + "-" + _alnum(30), '\treturn slack.New("{v}")'),
        _p("vendor", "javascript", "xapp-1-A" + _pick(string.digits, 9) + "-" + _alnum(20), "  return '{v}';"),
        _p("vendor", "python", "AIza" + _pick(URLSAFE, 35), '    return maps.Client(key="{v}")'),
        _p("vendor", "javascript", "AIza" + _pick(URLSAFE, 35), "  return fetch(`${{BASE}}?key={v}`);"),
        _p("vendor", "python", "AKIA" + _pick(string.ascii_uppercase + "234567", 16), '    return "{v}"'),
        _p("vendor", "python", "ghp_" + _pick(ALNUM, 36), '    return Github("{v}")'),
        _p("vendor", "python", "sk-proj-" + _alnum(48), '    return OpenAI(api_key="{v}")'),
        _p("vendor", "javascript", "sk-ant-api03-" + _pick(URLSAFE, 93) + "AA", "  return new Anthropic('{v}');"),
        _p("vendor", "python", "SG." + _pick(URLSAFE, 22) + "." + _pick(URLSAFE, 43), '    return SendGrid("{v}")'),
        _p("vendor", "go", "SK" + _pick(HEX, 32), '\treturn twilio.New("{v}")'),
        _p("vendor", "python", "key-" + _pick(HEX, 32), '    return Mailgun("{v}")'),
        _p("vendor", "python", "HRKU-AA" + _pick(URLSAFE, 58), '    return heroku.from_key("{v}")'),
        _p("vendor", "go", "dop_v1_" + _pick(HEX, 64), '\treturn godo.NewFromToken("{v}")'),
        _p("vendor", "python", "hf_" + _pick(string.ascii_letters, 34), '    return login("{v}")'),
        _p("vendor", "python", "pypi-AgEIcHlwaS5vcmc" + _pick(URLSAFE, 70), '    return upload("{v}")'),
        _p("vendor", "javascript", "shpat_" + _pick(HEX, 32), "  return shopify('{v}');"),
        _p("vendor", "python", "dapi" + _pick(HEX, 32), '    return Databricks("{v}")'),
        _p("vendor", "python", _pick(URLSAFE, 68), '    return post("https://discord.com/api/webhooks/1234567890/{v}")'),
        _p("vendor", "go", _pick(string.digits, 10) + ":AA" + _pick(URLSAFE, 33), '\treturn tg.NewBot("{v}")'),
        _p("vendor", "python", _b64(64), '    return f"AccountName=acct;AccountKey={v};EndpointSuffix=core.windows.net"'),
        _p("vendor", "python", "GOCSPX-" + _pick(URLSAFE, 28), '    return Flow(client_secret="{v}")'),
        _p("vendor", "go", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI" + _alnum(20) + "." + _pick(URLSAFE, 43), '\treturn "{v}"'),
        _p("vendor", "python", "https://hooks.slack.com/services/T" + _alnum(8) + "/B" + _alnum(8) + "/" + _alnum(24),
           '    return post("{v}")'),
    ]  # fmt: skip
    for n, (host, quote) in enumerate((("python", '"""'), ("go", "`"), ("javascript", "`"))):
        body = _pem_body(4 + n)
        end = "-----END RSA PRIVATE KEY-----\n" if n < 2 else ""  # the last one has no END line either
        indent = {"python": "    ", "go": "\t", "javascript": "  "}[host]
        text = "\n".join(body)
        for line in body:
            code = f"{indent}return {quote}\n{text}\n{end}{quote}" + (";" if host == "javascript" else "")
            plants.append(Plant("pem", host, line, code.replace(line, "{v}", 1)))
    return plants + _plants_ii()


# the forms of issue 16 (case 9): a secret given by a file format or a command line, on the next line, in
# pieces, or as hex key material; several variants each, in several languages
FORMS_II = ("connstr", "next-line", "xml", "netrc", "cmdline", "redis", "psk", "npmrc", "split", "hex-key")


def _plants_ii() -> list[Plant]:
    def token(prefix: str, n: int) -> str:
        return prefix + _alnum(n)

    ghp, akia, xoxb = (
        token("ghp_", 36),
        "AKIA" + _pick(string.ascii_uppercase + "234567", 16),
        token("xoxb-", 30),
    )
    sk_live, glpat = token("sk_live_", 24), "glpat-" + _pick(URLSAFE, 20)
    return [
        # .NET / JDBC / ODBC connection strings and query strings
        _p("connstr", "python", "Cs-" + _alnum(10), '    return "Server=db.internal;Database=app;User Id=sa;Password={v};"'),
        _p("connstr", "javascript", "Pw" + _alnum(9), "  return 'Data Source=sql01;Initial Catalog=shop;Uid=app;Pwd={v};';"),
        _p("connstr", "java", "Jd" + _alnum(11), '        return "jdbc:sqlserver://db:1433;databaseName=x;user=sa;password={v};";'),
        _p("connstr", "go", "odbc" + _alnum(8) + ";x", '\treturn "DRIVER={{ODBC Driver 18}};SERVER=db;UID=u;PWD={{{v}}};"'),
        _p("connstr", "ruby", "Qs" + _alnum(12), '  "https://api.example.com/v1/export?user=ops&password={v}&format=csv"'),
        _p("connstr", "python", "Ak" + _alnum(14), '    return requests.get(f"{{BASE}}/search?q=x&api_key={v}")'),
        # the value on the next line
        _p("next-line", "python", "nl-" + _alnum(12), '    return connect(\n        host="db",\n        password=(\n            "{v}"\n        ),\n    )'),
        _p("next-line", "python", _pick(HEX, 64), '    SECRET_KEY = bytes.fromhex(\n        "{v}"\n    )\n    return SECRET_KEY'),
        _p("next-line", "javascript", "js-nl-" + _alnum(10), '  const password =\n    "{v}";\n  return password;'),
        _p("next-line", "go", "go-nl-" + _alnum(10), '\tcfg := Config{{\n\t\tPassword:\n\t\t\t"{v}",\n\t}}\n\treturn cfg'),
        # XML elements and attributes
        _p("xml", "java", "Mvn" + _alnum(10), '        return "<server><id>central</id><username>ci</username><password>{v}</password></server>";'),
        _p("xml", "python", "Cfg" + _alnum(11), "    return '<appSettings><add key=\"StripeApiKey\" value=\"{v}\"/></appSettings>'"),
        _p("xml", "javascript", "Hib" + _alnum(9), '  return `<property name="hibernate.connection.password" value="{v}"/>`;'),
        _p("xml", "ruby", "Tok" + _alnum(16), '  "<config>\n  <AuthToken>{v}</AuthToken>\n</config>"'),
        # .netrc
        _p("netrc", "python", "netrc" + _alnum(9), '    return "machine api.example.com login deploy password {v}\\n"'),
        _p("netrc", "go", "nrc-" + _alnum(12), "\treturn `machine git.example.com\n  login ci\n  password {v}\n`"),
        _p("netrc", "ruby", "Nr" + _alnum(10), '  File.write(path, "default login anonymous password {v}")'),
        # command lines
        _p("cmdline", "python", "Dk" + _alnum(12), '    run("docker login -u ci -p {v} registry.example.com")'),
        _p("cmdline", "python", "Pd" + _alnum(12), '    subprocess.run(["podman", "login", "--username", "ci", "--password", "{v}", "quay.io"])'),
        _p("cmdline", "go", "My" + _alnum(10), '\treturn exec.Command("sh", "-c", "mysqldump -u root -p{v} shop > dump.sql")'),
        _p("cmdline", "ruby", "Sp" + _alnum(10), "  system(\"sshpass -p '{v}' ssh deploy@web01 uptime\")"),
        _p("cmdline", "javascript", "Mg" + _alnum(10), "  return execSync(`mongosh --host db --username app --password {v} --eval 'db.stats()'`);"),
        _p("cmdline", "java", "Hl" + _alnum(12), '        return List.of("helm", "registry", "login", "ghcr.io", "-u", "bot", "--password", "{v}");'),
        _p("cmdline", "python", "Op" + _alnum(12), '    return ["deploy", "--db-password={v}", "--region", "eu"]'),
        # redis
        _p("redis", "python", "Rq" + _alnum(10), '    return "bind 0.0.0.0\\nrequirepass {v}\\n"'),
        _p("redis", "go", "Rc" + _alnum(10), '\treturn exec.Command("redis-cli", "-h", "cache", "-a", "{v}", "PING")'),
        _p("redis", "javascript", "Ma" + _alnum(10), "  return client.config('SET', 'masterauth', '{v}');"),
        # PSK: wpa_supplicant, hostapd, IPsec
        _p("psk", "python", "wifi " + _alnum(8) + " pass", '    return """network={{\n\tssid="office"\n\tpsk="{v}"\n}}"""'),
        _p("psk", "go", "Ap" + _alnum(12), '\treturn "interface=wlan0\\nwpa_passphrase={v}\\n"'),
        _p("psk", "ruby", "Ip" + _alnum(12), "  %q(%any %any : PSK \"{v}\")"),
        # .npmrc
        _p("npmrc", "javascript", _b64(18), "  return `//registry.npmjs.org/:_auth={v}\nalways-auth=true`;"),
        _p("npmrc", "python", _b64(15), '    return "_auth={v}\\nemail=ci@example.com\\n"'),
        _p("npmrc", "go", "0a1b2c3d-" + _pick(HEX, 4) + "-4e5f-" + _pick(HEX, 4) + "-" + _pick(HEX, 12),
           '\treturn "//npm.example.com/:_authToken={v}"'),
        # tokens written in pieces
        _split("split", "python", (ghp[:12], ghp[12:]), '    return Github("{v0}" + "{v1}")'),
        _split("split", "python", (akia[:4], akia[4:]), '    return ("{v0}" "{v1}")'),
        _split("split", "go", (xoxb[:10], xoxb[10:]), '\treturn "{v0}" +\n\t\t"{v1}"'),
        _split("split", "javascript", (sk_live[:8], sk_live[8:20], sk_live[20:]), "  return '{v0}' + '{v1}' + '{v2}';"),
        _split("split", "java", (glpat[:6], glpat[6:]), '        return "{v0}"\n            + "{v1}";'),
        _split("split", "python", ("hu" + _alnum(5), "nt" + _alnum(6)), '    password = ("{v0}"\n                "{v1}")\n    return password'),
        # hex key material given to a key name
        _p("hex-key", "python", _pick(HEX, 64), '    hmac_key = "{v}"\n    return hmac.new(hmac_key.encode(), msg, "sha256")'),
        _p("hex-key", "go", _pick(HEX, 32), '\tsigningKey := []byte("{v}")\n\treturn signingKey'),
        _p("hex-key", "javascript", _pick(HEX, 32), '  const HMAC_KEY = Buffer.from("{v}", "hex");\n  return HMAC_KEY;'),
        _p("hex-key", "java", _pick(HEX, 40), '        byte[] signingKey = HexFormat.of().parseHex("{v}");\n        return signingKey;'),
        _p("hex-key", "ruby", _pick(HEX, 48), '  AES_KEY = ["{v}"].pack("H*")'),
    ]  # fmt: skip


PLANTS: tuple[Plant, ...] = tuple(_plants())
SUBSET: tuple[Plant, ...] = tuple(
    p for i, p in enumerate(PLANTS) if i % 3 == 0 or p.form in ("dsn", "pem", *FORMS_II)
)

_EXT = {"python": "py", "javascript": "js", "go": "go", "java": "java", "ruby": "rb"}


def function_name(index: int) -> str:
    return f"planted_{index:03d}"


def _function(language: str, name: str, body: str) -> str:
    if language == "python":
        return f"def {name}():\n{body}\n"
    if language == "javascript":
        return f"function {name}() {{\n{body}\n}}\n"
    if language == "java":
        return f"    static Object {name}() {{\n{body}\n    }}\n"
    if language == "ruby":
        return f"def {name}\n{body}\nend\n"
    return f"func {name}() any {{\n{body}\n}}\n"


def planted_code(plant: Plant) -> str:
    """The plant's function body with its value (or its pieces) written in."""
    code = plant.code.replace("{v}", plant.value)
    for n, piece in enumerate(plant.pieces):
        code = code.replace(f"{{v{n}}}", piece)
    return code


def write_corpus(repo: Path, plants: Sequence[Plant]) -> list[str]:
    """One function per plant in corpus/planted.{py,js,go,rb} and corpus/Planted.java; the names of the
    functions written."""
    files: dict[str, list[str]] = {
        "python": [], "javascript": [], "go": ["package corpus\n"], "java": ["public class Planted {\n"],
        "ruby": [],
    }  # fmt: skip
    names = []
    for index, plant in enumerate(plants):
        name = function_name(index)
        files[plant.language].append(_function(plant.language, name, planted_code(plant)))
        names.append(name)
    files["java"].append("}\n")
    for language, parts in files.items():
        stem = "Planted" if language == "java" else "planted"
        write(repo, f"corpus/{stem}.{_EXT[language]}", "\n\n".join(parts))
    return names


def sent_whole(name: str, prompt: str) -> bool:
    """Whether ``prompt`` holds the unit of the planted function ``name`` (its header line: a function, or a
    method of the Java class)."""
    return f" function {name}\n" in prompt or f" method Planted.{name}\n" in prompt


def _strings(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def leaks(plants: Sequence[Plant], bodies: Sequence[Any]) -> list[Plant]:
    """The plants whose value, a 12-char piece of its middle, or one of its written pieces of 5+ chars is in
    any string of any request body."""
    text = "\n".join(s for body in bodies for s in _strings(body))
    found = []
    for plant in plants:
        value = plant.value
        middle = value[len(value) // 2 - 6 : len(value) // 2 + 6] if len(value) >= 24 else value
        if value in text or middle in text or any(len(p) >= 5 and p in text for p in plant.pieces):
            found.append(plant)
    return found


@dataclass(frozen=True)
class CorpusRun:
    names: list[str]
    bodies: list[Any]
    prompts: list[str]
    exit_code: int
    stderr: str
    report: Any


def run_cli(tmp: Path, plants: Sequence[Plant]) -> CorpusRun:
    """Stage the corpus in a new repository under tmp and run `python -m ariadne_hook` against a loopback
    OpenAI-compatible server with a fake key; every request body the server received."""
    repo = init_repo(tmp / "corpus-repo")
    write(repo, "README.md", "corpus\n")
    commit_all(repo, "base")
    names = write_corpus(repo, plants)
    stage_all(repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARIADNE_", "OPENAI_", "GITHUB_"))}
    with LLMServer() as server:
        env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test-fake-key-000", HOME=str(tmp))
        env.update(ARIADNE_LLM_NON_CODE="1")  # YAML, .env, JSON... are sent too: the redaction is under test
        env.update(ARIADNE_MAX_PROMPT_CHARS="12000")  # every planted function whole, not trimmed
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "ariadne_hook",
                "--format",
                "json",
                "-o",
                "-",
                "--no-cache",
                "--deadline",
                "120",
            ],
            cwd=repo,
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        bodies = list(server.bodies)
        prompts = server.prompts()
    report = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else None
    return CorpusRun(names, bodies, prompts, proc.returncode, proc.stderr, report)

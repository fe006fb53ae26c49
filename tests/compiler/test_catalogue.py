"""The broken-spec catalogue: every file in graphs/broken/ produces exactly the diagnostics its
header declares, and every diagnostic code has at least one file that produces it.

A catalogue file declares its diagnostics in leading comment lines (JSON files, which have no
comments, in a sidecar `<file>.expect`):

    # expect: error AG011 12:15                        (severity, code, line:column, 1-based)
    # expect: error AG040 4:1 in prompts/bad.md.j2     (a diagnostic in another file)
    # resolve: true                                    (check with --resolve)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from agentgraph.cli import main
from agentgraph.compiler import CODES, check_file, check_text

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "graphs" / "broken"
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_EXPECT = re.compile(r"^# expect: (error|warning) (AG\d{3}) (\d+):(\d+)(?: in (\S+))?\s*$")

Expected = tuple[str, str, int, int, str | None]
"""(severity, code, line, column, file relative to the spec or None for the spec itself)."""


@dataclass(frozen=True)
class Case:
    path: Path
    expected: Counter[Expected]
    resolve: bool

    @property
    def errors(self) -> bool:
        return any(severity == "error" for severity, *_ in self.expected)


def _header_lines(path: Path) -> list[str]:
    if path.suffix == ".json":
        return Path(f"{path}.expect").read_text(encoding="utf-8").splitlines()
    lines = []
    for raw in path.read_bytes().split(b"\n"):  # bytes: one catalogue file is not UTF-8
        if not raw.startswith(b"#"):
            break
        lines.append(raw.decode("utf-8", "replace").rstrip("\r"))
    return lines


def load_case(path: Path) -> Case:
    expected: Counter[Expected] = Counter()
    resolve = False
    for line in _header_lines(path):
        match = _EXPECT.match(line)
        if match:
            severity, code, row, column, file = match.groups()
            expected[(severity, code, int(row), int(column), file)] += 1
        elif line.startswith("# expect:"):
            raise AssertionError(f"{path.name}: malformed expectation {line!r}")
        elif line.strip() == "# resolve: true":
            resolve = True
    return Case(path, expected, resolve)


CATALOGUE = sorted(p for p in BROKEN.iterdir() if p.is_file() and p.suffix in SPEC_SUFFIXES)
CASES = [load_case(p) for p in CATALOGUE]


def produced(case: Case) -> Counter[Expected]:
    checked = check_file(case.path, resolve=case.resolve)
    found: Counter[Expected] = Counter()
    for d in checked.diagnostics:
        assert d.span is not None, f"{d.code} has no position: {d.message}"
        file = None
        if d.file != str(case.path):
            file = Path(d.file).relative_to(case.path.parent).as_posix()
        found[(d.severity.value, d.code, d.span.line, d.span.column, file)] += 1
    return found


def test_catalogue_is_not_empty_and_every_file_declares_something() -> None:
    assert len(CASES) >= len(CODES)
    assert all(case.expected for case in CASES), [c.path.name for c in CASES if not c.expected]


@pytest.mark.parametrize("case", CASES, ids=[c.path.name for c in CASES])
def test_catalogue_file_produces_exactly_what_it_declares(case: Case) -> None:
    assert produced(case) == case.expected


@pytest.mark.parametrize(
    "case", [c for c in CASES if re.match(r"AG\d{3}_", c.path.name)], ids=lambda c: c.path.name
)
def test_file_named_after_a_code_produces_that_code(case: Case) -> None:
    code = case.path.name[:5]
    assert code in CODES
    assert code in {c for _, c, *_ in case.expected}


def test_every_code_has_a_catalogue_file_that_produces_it() -> None:
    covered: set[str] = set()
    for case in CASES:
        covered.update(code for _, code, *_ in produced(case))
    assert sorted(set(CODES) - covered) == []


def test_many_problems_are_reported_in_one_pass() -> None:
    for name, at_least in (("many_problems.yaml", 12), ("many_problems.json", 10)):
        codes = {code for _, code, *_ in produced(load_case(BROKEN / name))}
        assert len(codes) >= at_least, (name, sorted(codes))


def test_resolve_only_codes_need_resolve() -> None:
    """Without --resolve no user code is imported, so AG051/AG052/AG055/AG056 cannot appear."""
    resolve_only = {"AG051", "AG052", "AG055", "AG056"}
    for case in CASES:
        if case.resolve:
            plain = check_file(case.path, resolve=False).diagnostics
            assert resolve_only & {d.code for d in plain} == set()
            assert resolve_only & {code for _, code, *_ in case.expected}


# ---------------------------------------------------------------------------------------------
# AG001 inputs that cannot live in a catalogue file with a header


def _codes_at(text: bytes, name: str, kind: str) -> list[tuple[str, int, int, str]]:
    checked = check_text(text, name, kind=kind)
    return [(d.code, d.span.line, d.span.column, d.message) for d in checked.diagnostics if d.span]


@pytest.mark.parametrize(
    "text", [b"", b"   \n\n", b"\xef\xbb\xbf"], ids=["zero-bytes", "blank", "bom-only"]
)
@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_empty_input_is_ag001_at_the_start(text: bytes, kind: str) -> None:
    assert _codes_at(text, f"empty.{kind}", kind) == [("AG001", 1, 1, "the file is empty")]


def test_non_utf8_is_reported_at_the_first_bad_byte() -> None:
    text = "agentgraph: 1\nname: caf\u00e9\n".encode("latin-1")
    [(code, line, column, message)] = _codes_at(text, "latin1.yaml", "yaml")
    assert (code, line, column) == ("AG001", 2, 10)
    assert "0xe9" in message


def test_json_nested_too_deeply_is_ag001() -> None:
    [(code, *_)] = _codes_at(b"[" * 100_000 + b"]" * 100_000, "deep.json", "json")
    assert code == "AG001"


def test_yaml_nested_very_deeply_is_ag001_not_a_crash(tmp_path: Path) -> None:
    spec = tmp_path / "deep.yaml"
    spec.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    done = subprocess.run(
        [sys.executable, "-m", "agentgraph", "validate", str(spec)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "error[AG001]" in done.stdout


# ---------------------------------------------------------------------------------------------
# The same files through the command line


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("case", CASES, ids=[c.path.name for c in CASES])
def test_cli_validate_prints_every_diagnostic_and_exits_1_on_errors(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--resolve"] if case.resolve else []
    status, out = _cli(["validate", str(case.path), *options], capsys)
    assert status == (1 if case.errors else 0)
    for severity, code, line, column, file in case.expected:
        where = str(case.path) if file is None else str(case.path.parent / file)
        assert f"{where}:{line}:{column}: {severity}[{code}]: " in out
    errors = sum(n for (severity, *_), n in case.expected.items() if severity == "error")
    warnings = sum(case.expected.values()) - errors
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    assert out.rstrip().endswith(f"{case.path}: {summary}")


@pytest.mark.parametrize("case", [c for c in CASES if not c.errors], ids=lambda c: c.path.name)
def test_cli_strict_turns_warnings_into_errors(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--resolve"] if case.resolve else []
    status, out = _cli(["validate", "--strict", str(case.path), *options], capsys)
    assert status == 1
    assert "warning[" not in out
    for _, code, line, column, _ in case.expected:
        assert f"{case.path}:{line}:{column}: error[{code}]: " in out


def test_cli_json_format_has_the_same_positions(capsys: pytest.CaptureFixture[str]) -> None:
    case = load_case(BROKEN / "many_problems.json")
    status, out = _cli(["validate", "--format", "json", str(case.path)], capsys)
    assert status == 1
    rows = json.loads(out)
    found = Counter((r["severity"], r["code"], r["line"], r["column"], None) for r in rows)
    assert found == case.expected
    assert all(r["file"] == str(case.path) and r["end_line"] >= r["line"] for r in rows)
    by_code = {r["code"]: r for r in rows}
    assert by_code["AG011"]["hint"] == "did you mean `reviewer`?"
    assert (by_code["AG011"]["end_line"], by_code["AG011"]["end_column"]) == (11, 36)


def test_cli_compile_refuses_a_broken_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "out.json"
    spec = BROKEN / "AG011_unknown_handoff_target.yaml"
    status = main(["compile", str(spec), "-o", str(out_file)])
    err = capsys.readouterr().err
    assert status == 1
    assert not out_file.exists()
    line, column = min(
        (row, col) for _, code, row, col, _ in load_case(spec).expected if code == "AG011"
    )  # the first one: `biling`
    assert f"{spec}:{line}:{column}: error[AG011]: handoff target `biling` is not an agent" in err
    assert "did you mean `billing`?" in err


@pytest.mark.parametrize(
    "name", ["AG001_not_utf8.yaml", "AG001_alias_bomb.yaml", "AG033_not_strict_schema.yaml"]
)
def test_console_script_reports_with_caret(name: str) -> None:
    """The installed `agentgraph` process: exit 1, the position, the source line and a caret."""
    case = load_case(BROKEN / name)
    script = Path(sys.executable).with_name("agentgraph")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "agentgraph"]
    done = subprocess.run(
        [*command, "validate", str(case.path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    for severity, code, line, column, _ in case.expected:
        assert f"{case.path}:{line}:{column}: {severity}[{code}]: " in done.stdout
    first = min(case.expected)
    assert f"\n{first[2]} | " in done.stdout and "^" in done.stdout
    assert done.stderr == ""

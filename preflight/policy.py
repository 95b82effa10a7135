"""Policy packs: a school's rules as configuration — which checks run, how serious each is, and
what the person confirms. No Qt.

A pack is a TOML file under assets/policies/ (or a school's own file named in `org.policy`)::

    schema = "preflight.policy/1"
    id = "tces-distance-learning"          # the file's name without .toml
    name = "…"; version = "1.0"; source = "the policy's own title"; source_date = "undated"
    roles = ["staff", "pupil", "parent-carer"]
    modes = ["staff", "home"]

    [[rules]]
    id = "documents-not-on-display"        # unique in the pack
    section = "Bullet 12 (private information)"   # where the source says it
    summary = "In our own words."
    [[rules.checks]]                       # enforced by a check (any number)...
    id = "camera.documents"; severity = "block"   # or "warn"
    modes = ["staff", "home"]              # default: every mode of the pack
    params = { other_text_severity = "warn" }     # keys of that check's [checks.*] settings
    [[rules.attestations]]                 # ...and/or confirmed by the signer
    id = "consent_on_file"; wording = "…"; roles = ["staff"]; modes = ["staff"]
    when = "always"                        # or "one_to_one", "live_stream"
    [rules.override]                       # may a failure be overridden, and by whom
    allowed = true; approvers = ["SLT"]    # (without it: as kiosk.allow_overrides says;
                                           # allowed = false forbids it for the check)
    # ...or: out_of_scope = "why a preflight cannot check this"

Every problem in a pack is a `ConfigError` naming the file, the line and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from preflight.attestation import AttestationItem, When
from preflight.config import (
    ASSETS_DIR,
    DEFAULT_CONFIG_PATH,
    ChecksConfig,
    Config,
    Mode,
    Role,
    merge_settings,
    read_toml,
)
from preflight.errors import ConfigError
from preflight.results import CHECK_IDS, CheckResult

POLICIES_DIR = ASSETS_DIR / "policies"
SCHEMA = "preflight.policy/1"

CheckId = Literal[
    "camera.people",
    "camera.photos",
    "camera.documents",
    "camera.stillness",
    "desktop.windows",
    "desktop.tabs",
    "desktop.wallpaper",
    "desktop.screen",
    "session.schedule",
    "session.invite",
]
Enforcement = Literal["block", "warn"]

#: The settings section (under [checks]) each check's parameters live in.
CHECK_SETTINGS: dict[str, str] = {
    "camera.people": "people",
    "camera.photos": "photos",
    "camera.documents": "documents",
    "camera.stillness": "stillness",
    "desktop.windows": "desktop",
    "desktop.tabs": "desktop",
    "desktop.wallpaper": "wallpaper",
    "desktop.screen": "screen",
    "session.schedule": "schedule",
    "session.invite": "invite",
}
# The kinds of finding (`details.rule`) each session-check parameter can cause.
PARAM_FINDINGS: dict[str, tuple[str, ...]] = {
    "require_staff_organiser": ("organiser",),
    "require_school_attendees": ("school_accounts",),
    "require_slt_copied": ("slt_copied",),
    "require_teams_link": ("teams_link",),
    "require_date_time": ("date_time",),
    "min_staff_live_stream": ("staff_present",),
    "require_timetabled": ("timetabled",),
    "require_operating_hours": ("operating_hours", "not_now"),
    "require_term_time": ("term_time", "closure"),
}
# Parameters naming an attestation item, and the `when` that item must have.
_ATTESTATION_PARAMS = {
    "one_to_one_attestation": "one_to_one",
    "live_stream_attestation": "live_stream",
}

_RULE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_ITEM_ID = r"^[a-z0-9]+(_[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckRef(_Strict):
    id: CheckId
    severity: Enforcement
    modes: tuple[Mode, ...] | None = Field(default=None, min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)


class AttestRef(_Strict):
    id: str = Field(pattern=_ITEM_ID, max_length=80)
    wording: str = Field(min_length=1, max_length=400)
    roles: tuple[Role, ...] = Field(min_length=1)
    modes: tuple[Mode, ...] = Field(min_length=1)
    when: When = "always"
    version: str = Field(default="1", min_length=1, max_length=20)


class OverrideRule(_Strict):
    allowed: bool
    approvers: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _who(self) -> OverrideRule:
        if self.allowed and not self.approvers:
            raise ValueError('an override that is allowed needs approvers (e.g. ["SLT"])')
        return self


class Rule(_Strict):
    id: str = Field(pattern=_RULE_ID, max_length=80)
    section: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=600)
    checks: tuple[CheckRef, ...] = ()
    attestations: tuple[AttestRef, ...] = ()
    out_of_scope: str | None = Field(default=None, min_length=1, max_length=600)
    override: OverrideRule | None = None

    @model_validator(mode="after")
    def _enforced_somehow(self) -> Rule:
        enforced = bool(self.checks or self.attestations)
        if self.out_of_scope and enforced:
            raise ValueError("a rule out of scope has no checks or attestations")
        if not self.out_of_scope and not enforced:
            raise ValueError("say how the rule is enforced: checks, attestations or out_of_scope")
        if self.override is not None and not self.checks:
            raise ValueError("override applies to checks; this rule has none")
        return self

    @property
    def enforcement(self) -> str:
        """How the rule is enforced, in a few words for the coverage table."""
        if self.out_of_scope:
            return "out of scope"
        parts = [f"{c.id} ({c.severity})" for c in self.checks]
        parts += [f"attest {a.id}" for a in self.attestations]
        return ", ".join(parts)


class _PackModel(_Strict):
    schema_: Literal["preflight.policy/1"] = Field(alias="schema")
    id: str = Field(pattern=_RULE_ID, max_length=80)
    name: str = Field(min_length=1, max_length=200)
    version: str = Field(min_length=1, max_length=40)
    source: str = Field(min_length=1, max_length=300)
    source_date: str = Field(min_length=1, max_length=40)
    roles: tuple[Role, ...] = Field(min_length=1)
    modes: tuple[Mode, ...] = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1)


@dataclass(frozen=True)
class CheckPlan:
    """One check as the pack in force runs it, in one mode."""

    id: str
    severity: Enforcement
    params: Mapping[str, Any]
    rules: tuple[str, ...]
    override_allowed: bool  # unless a rule forbids it; the kiosk also needs kiosk.allow_overrides
    approvers: tuple[str, ...]
    #: For the session checks, per kind of finding (`details.rule`): whether the rule that asks
    #: for it allows an override (True), forbids it (False) or leaves it to the school (None),
    #: and who may approve. A failure is judged by the rules it breaks, not the whole check.
    finding_overrides: Mapping[str, bool | None] = field(default_factory=dict)
    finding_approvers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def override(self, finding_rules: Collection[str]) -> tuple[bool, tuple[str, ...]]:
        """Whether failures of these kinds may be overridden, and by whom. Kinds the pack
        does not map (or none: a check that could not run) fall back to the whole check."""
        known = [r for r in finding_rules if r in self.finding_overrides]
        if not finding_rules or len(known) != len(finding_rules):
            return self.override_allowed, self.approvers
        allowed = all(self.finding_overrides[r] is not False for r in known)
        approvers = sorted({a for r in known for a in self.finding_approvers.get(r, ())})
        return allowed, tuple(approvers) if allowed else ()


@dataclass(frozen=True)
class PolicyPack:
    """A validated pack. Build it with `load_pack()` or `pack_in_force()`."""

    model: _PackModel
    path: Path

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.model.rules

    def digest(self) -> str:
        """sha256 of the pack's canonical content: a record shows exactly which rules applied."""
        text = json.dumps(self.model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def checks_for(self, mode: Mode) -> dict[str, CheckPlan]:
        """The checks run in this mode, in the product's order, each with how it is enforced."""
        found: dict[str, list[tuple[Rule, CheckRef]]] = {}
        for rule in self.rules:
            for ref in rule.checks:
                if mode in (ref.modes or self.model.modes):
                    found.setdefault(ref.id, []).append((rule, ref))
        plans = {}
        for check_id in CHECK_IDS:
            if check_id not in found:
                continue
            refs = found[check_id]
            params: dict[str, Any] = {}
            for _, ref in refs:
                params = merge_settings(params, ref.params)
            # A rule without [rules.override] leaves overrides to the school's configuration
            # (kiosk.allow_overrides); one rule that forbids them forbids them for the check.
            overrides = [r.override for r, _ in refs]
            allowed = not any(o is not None and not o.allowed for o in overrides)
            approvers = sorted({a for o in overrides if o is not None for a in o.approvers})
            by_finding: dict[str, bool | None] = {}
            finding_approvers: dict[str, set[str]] = {}
            for rule, ref in refs:
                for key, value in ref.params.items():
                    if not value:
                        continue
                    for kind in PARAM_FINDINGS.get(key, ()):
                        said = None if rule.override is None else rule.override.allowed
                        earlier = by_finding.get(kind)
                        by_finding[kind] = False if False in (earlier, said) else (earlier or said)
                        if rule.override is not None:
                            finding_approvers.setdefault(kind, set()).update(
                                rule.override.approvers
                            )
            plans[check_id] = CheckPlan(
                id=check_id,
                severity="block" if any(ref.severity == "block" for _, ref in refs) else "warn",
                params=params,
                rules=tuple(dict.fromkeys(r.id for r, _ in refs)),
                override_allowed=allowed,
                approvers=tuple(approvers) if allowed else (),
                finding_overrides=by_finding,
                finding_approvers={k: tuple(sorted(v)) for k, v in finding_approvers.items()},
            )
        return plans

    def items(self) -> tuple[AttestationItem, ...]:
        """Every attestation item of the pack, in the order the rules give them."""
        return tuple(
            AttestationItem(a.id, a.wording, a.version, a.modes, a.roles, a.when)
            for rule in self.rules
            for a in rule.attestations
        )

    def apply(self, config: Config, mode: Mode) -> Config:
        """The configuration with this pack's check parameters (for this mode) in force.

        Raises:
            ConfigError: the school's settings name an approval item the pack does not have.
        """
        checks = config.checks.model_dump(mode="json")
        for plan in self.checks_for(mode).values():
            section = CHECK_SETTINGS[plan.id]
            checks[section] = merge_settings(checks[section], plan.params)
        applied = config.model_copy(update={"checks": ChecksConfig.model_validate(checks)})
        items = {i.id for i in self.items()}
        for key in _ATTESTATION_PARAMS:
            named = getattr(applied.checks.invite, key)
            if named and named not in items:
                raise ConfigError(
                    f"checks.invite.{key} names {named!r}, which the policy pack {self.id} "
                    f"does not have (its items: {', '.join(sorted(items))})"
                )
        return applied

    def coverage(self) -> list[dict[str, str]]:
        """One row per rule: its id, section, summary and how it is enforced."""
        return [
            {
                "rule": r.id,
                "section": r.section,
                "summary": r.summary,
                "enforced_by": r.enforcement,
                "override": ", ".join(r.override.approvers)
                if r.override and r.override.allowed
                else "",
                "reason": r.out_of_scope or "",
            }
            for r in self.rules
        ]


def enforce(result: CheckResult, plan: CheckPlan | None) -> CheckResult:
    """A result as the pack enforces it: under "warn", a failure is a warning to acknowledge."""
    if plan is None or plan.severity == "block" or result.status != "fail":
        return result
    findings = tuple(
        replace(f, severity="warn") if f.severity == "fail" else f for f in result.findings
    )
    return replace(
        result,
        status="warn",
        findings=findings,
        metrics={**result.metrics, "policy_severity": "warn"},
    )


# --- loading -------------------------------------------------------------------------------


def shipped_packs() -> list[Path]:
    return sorted(POLICIES_DIR.glob("*.toml"))


def pack_path(name: str, base: Path | None = None) -> Path:
    """The file for a pack id (a shipped pack) or a path to a school's own pack file."""
    if name.endswith(".toml") or "/" in name or "\\" in name:
        path = Path(name).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        return path
    path = POLICIES_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(p.stem for p in shipped_packs()) or "none installed"
        raise ConfigError(f"unknown policy pack {name!r}; the packs are: {known}")
    return path


def pack_in_force(config: Config, override: str | None = None) -> PolicyPack:
    """The pack named by `--policy` (if given) or by `org.policy`."""
    if override:  # typed on the command line: relative to where it was typed
        return load_pack(pack_path(override, Path.cwd()))
    base = config.source_path.parent if config.source_path else None
    return load_pack(pack_path(config.org.policy, base))


def load_pack(path: Path) -> PolicyPack:
    """Read and validate a pack.

    Raises:
        ConfigError: one line naming the file, the line and the field at fault.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may add a byte-order mark
    except FileNotFoundError:
        raise ConfigError(f"policy pack not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"policy pack {path}: cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"policy pack {path}: not valid TOML: {exc}") from None
    try:
        model = _PackModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        message = "unknown field" if first["type"] == "extra_forbidden" else first["msg"]
        if first["type"] == "literal_error" and loc and loc[-1] == "id" and "checks" in loc:
            message = f"unknown check {first['input']!r}; checks are: {', '.join(CHECK_IDS)}"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise _error(path, text, data, loc, message + more) from None
    problem = _cross_check(model)
    if problem is not None:
        raise _error(path, text, data, *problem)
    if model.id != path.stem:
        raise _error(path, text, data, ("id",), f"must match the file name ({path.stem!r})")
    return PolicyPack(model, path)


def _cross_check(model: _PackModel) -> tuple[tuple[Any, ...], str] | None:
    """What field validation cannot see: duplicates, modes and roles outside the pack's,
    parameters that are not settings, and items a parameter names but the pack lacks."""
    rule_ids: set[str] = set()
    items: dict[str, AttestRef] = {}
    for i, rule in enumerate(model.rules):
        if rule.id in rule_ids:
            return ("rules", i, "id"), f"duplicate rule id {rule.id!r}"
        rule_ids.add(rule.id)
        for j, item in enumerate(rule.attestations):
            loc = ("rules", i, "attestations", j)
            if item.id in items:
                return (*loc, "id"), f"duplicate attestation id {item.id!r}"
            items[item.id] = item
            for mode in item.modes:
                if mode not in model.modes:
                    return (*loc, "modes"), f"mode {mode!r} is not one of the pack's modes"
            for role in item.roles:
                if role not in model.roles:
                    return (*loc, "roles"), f"role {role!r} is not one of the pack's roles"
    defaults = read_toml(DEFAULT_CONFIG_PATH)["checks"]
    params_seen: dict[tuple[str, str], tuple[Any, str]] = {}
    for i, rule in enumerate(model.rules):
        for j, ref in enumerate(rule.checks):
            loc = ("rules", i, "checks", j)
            for mode in ref.modes or ():
                if mode not in model.modes:
                    return (*loc, "modes"), f"mode {mode!r} is not one of the pack's modes"
            section = CHECK_SETTINGS[ref.id]
            settings = ChecksConfig.model_fields[section].annotation
            try:
                settings.model_validate(merge_settings(defaults[section], ref.params))  # type: ignore[union-attr]
            except ValidationError as exc:
                first = exc.errors()[0]
                what = "unknown setting" if first["type"] == "extra_forbidden" else first["msg"]
                where = ".".join(str(p) for p in first["loc"])
                return (*loc, "params", *first["loc"][:1]), f"{where}: {what} (for {ref.id})"
            for key, value in ref.params.items():
                earlier = params_seen.get((section, key))
                if earlier is not None and earlier[0] != value:
                    return (*loc, "params", key), (
                        f"{key} = {value!r} contradicts rule {earlier[1]!r} ({earlier[0]!r})"
                    )
                params_seen[(section, key)] = (value, rule.id)
                if isinstance(defaults[section].get(key), bool) and not isinstance(value, bool):
                    return (*loc, "params", key), f"must be true or false, got {value!r}"
                wanted = _ATTESTATION_PARAMS.get(key)
                if wanted and value:
                    named = items.get(value)
                    if named is None:
                        return (*loc, "params", key), f"no attestation {value!r} in this pack"
                    if named.when != wanted:
                        return (*loc, "params", key), (
                            f"attestation {value!r} must have when = {wanted!r}"
                        )
                    runs_in = ref.modes or model.modes
                    if not set(runs_in) <= set(named.modes) or "staff" not in named.roles:
                        return (*loc, "params", key), (
                            f"attestation {value!r} must be offered to staff in every mode "
                            f"the check runs in ({', '.join(runs_in)})"
                        )
    return None


def _error(
    path: Path, text: str, data: Mapping[str, Any], loc: Sequence[Any], message: str
) -> ConfigError:
    line = _line_of(text, data, loc)
    where = _field_name(data, loc)
    at = f", line {line}" if line else ""
    return ConfigError(f"policy pack {path}{at}: {where}: {message}")


def _field_name(data: Mapping[str, Any], loc: Sequence[Any]) -> str:
    """rules[3].checks[0].severity, with the rule's id when it has one."""
    parts: list[str] = []
    node: Any = data
    for key in loc:
        if isinstance(key, int):
            parts[-1] += f"[{key + 1}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, Mapping) and parts[-1].startswith("rules[") and "id" in node:
                parts[-1] += f" ({node['id']})"
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, Mapping) else None
    return ".".join(parts) or "(top level)"


def _line_of(text: str, data: Mapping[str, Any], loc: Sequence[Any]) -> int | None:
    """The line a field is on or, when it is missing, the line of the table it belongs in.

    tomllib keeps no positions, so this reads the text once, noting where every table header
    ([[rules]], [[rules.checks]], [rules.override]...) and every key is, under the same path
    pydantic reports (rules, 3, checks, 0, severity), then takes the longest known prefix."""
    where: dict[tuple[Any, ...], int] = {}
    counters: dict[tuple[Any, ...], int] = {}
    context: tuple[Any, ...] = ()
    header = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
    key = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
    inner = re.compile(r"[{,]\s*([A-Za-z0-9_-]+)\s*=")
    open_quote = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if open_quote:  # inside a multi-line string: its lines are text, not keys or tables
            if line.count(open_quote) % 2:
                open_quote = ""
            continue
        for quote in ('"""', "'''"):
            if line.count(quote) % 2:
                open_quote = quote
        match = header.match(line)
        if match:
            path: tuple[Any, ...] = ()
            names = match.group(2).split(".")
            for n, name in enumerate(names):
                path += (name,)
                # A dotted header continues the newest element of each array on its way.
                if path in counters and not (match.group(1) == "[[" and n == len(names) - 1):
                    path += (counters[path],)
            if match.group(1) == "[[":
                base = path
                counters[base] = counters.get(base, -1) + 1
                path = (*base, counters[base])
                # A new element resets the counters of arrays nested in it.
                for known in [k for k in counters if k[: len(base)] == base and k != base]:
                    del counters[known]
            context = path
            where.setdefault(context, number)
            continue
        match = key.match(line)
        if match:
            where.setdefault((*context, match.group(1)), number)
            for name in inner.findall(line[match.end() :]):
                where.setdefault((*context, match.group(1), name), number)
    path = tuple(loc)
    while path:
        if path in where:
            return where[path]
        path = path[:-1]
    return None


def describe(pack: PolicyPack) -> str:
    """The coverage table as Markdown: every rule and how Preflight enforces it."""
    m = pack.model
    out = [
        f"## {m.name} (`{m.id}`, version {m.version})",
        "",
        f"Source: *{m.source}* ({m.source_date}). Roles: {', '.join(m.roles)}. "
        f"Modes: {', '.join(m.modes)}.",
        "",
        "| rule | section | summary | enforced by | override |",
        "|---|---|---|---|---|",
    ]
    for row in pack.coverage():
        enforced = row["enforced_by"]
        if row["reason"]:
            enforced = f"out of scope: {row['reason']}"
        cells = [f"`{row['rule']}`", row["section"], row["summary"], enforced, row["override"]]
        out.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
    counts = _counts(pack.rules)
    out += [
        "",
        f"{len(pack.rules)} rules: {counts['checked']} checked automatically, "
        f"{counts['attested']} attested, {counts['both']} both, "
        f"{counts['out']} out of scope for a preflight.",
        "",
    ]
    return "\n".join(out)


def _counts(rules: Iterable[Rule]) -> dict[str, int]:
    counts = {"checked": 0, "attested": 0, "both": 0, "out": 0}
    for rule in rules:
        if rule.out_of_scope:
            counts["out"] += 1
        elif rule.checks and rule.attestations:
            counts["both"] += 1
        elif rule.checks:
            counts["checked"] += 1
        else:
            counts["attested"] += 1
    return counts

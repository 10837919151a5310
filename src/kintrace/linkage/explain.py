"""Why two records were (or were not) linked: each comparison's level and weight (a waterfall).

The pair is scored with the model of the last full run, whatever the blocking would say, so a
reviewer can also ask about a pair the model never proposed. Term frequencies come from the
whole registry, as in a run.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from kintrace.linkage import runner
from kintrace.linkage.constraints import IdentityConflicts
from kintrace.linkage.decide import HOLDS, RULES
from kintrace.linkage.engine import EngineConfig, open_engine
from kintrace.linkage.errors import LinkInputError
from kintrace.linkage.feature_cache import cache_path, registry_features
from kintrace.linkage.spec import ModelSpec, kintrace_spec
from kintrace.linkage.spec.agreement import Agreement, agreements
from kintrace.linkage.store_io import Key, load_records, previous_state
from kintrace.linkage.weights import LevelWeight, model_weights, prior_weight
from kintrace.store.engine import Store
from kintrace.store.linkage_tables import link_pairs


@dataclass(frozen=True)
class Step:
    comparison: str
    level: str
    match_weight: float  # the level's weight, term-frequency adjustment included
    tf_adjustment: float


@dataclass(frozen=True)
class Explanation:
    left: Key
    right: Key
    prior_weight: float
    steps: list[Step]
    match_weight: float
    match_probability: float
    stored_status: str | None  # auto / pending when the run stored the pair, else None
    #: the decision rule that set the stored status (`kintrace.linkage.decide`), when recorded
    stored_rule: str | None = None
    #: what besides the probability decides the pair's fate: a rule that holds it for review,
    #: linked or offered it, or the data saying the records are two children
    notes: tuple[str, ...] = ()
    #: field -> how the two records' values agree, in the words of the pair and person pages
    agreement: dict[str, Agreement] = field(default_factory=dict)


def _level_label(weights: dict[tuple[str, int], LevelWeight], name: str, mw: float) -> str:
    candidates = [w for (comp, _g), w in weights.items() if comp == name]
    if not candidates:
        return "?"
    best = min(candidates, key=lambda w: abs(w.match_weight - mw))
    return best.level


def explain_pair(
    store: Store,
    left: Key,
    right: Key,
    *,
    spec: ModelSpec | None = None,
    engine: EngineConfig | None = None,
) -> Explanation:
    spec = spec or kintrace_spec()
    with store.session() as session:
        state = previous_state(session)
        records, features = registry_features(
            session, cache=cache_path(store.settings.home), use_cache=True
        )
        stored_row = session.execute(
            select(link_pairs.c.status, link_pairs.c.rule).where(
                link_pairs.c.source_l == min(left, right)[0],
                link_pairs.c.record_id_l == min(left, right)[1],
                link_pairs.c.source_r == max(left, right)[0],
                link_pairs.c.record_id_r == max(left, right)[1],
            )
        ).first()
        written = _written(session, keys_uids=records, left=left, right=right)
    stored, stored_rule = (stored_row[0], stored_row[1]) if stored_row else (None, None)
    if state.model is None:
        raise LinkInputError("No model yet: run kintrace link first, then ask for explanations.")
    keys = list(zip(records["source"], records["record_id"], strict=True))
    for key in (left, right):
        if key not in keys:
            raise LinkInputError(
                f"No record {key[0]}:{key[1]} in the registry; check the source name and id "
                "(kintrace records search helps)."
            )
    position = {k: i for i, k in enumerate(keys)}
    rec_l = _plain(features.iloc[position[left]].to_dict())
    rec_r = _plain(features.iloc[position[right]].to_dict())
    opened = open_engine(engine or EngineConfig())
    try:
        scored = runner.score_pair(
            spec, state.model, rec_l, rec_r, engine=opened, features=features
        )
    finally:
        opened.close()
    weights = model_weights(state.model)
    steps = []
    for comparison in spec.comparisons:
        raw = float(scored.get(f"mw_{comparison.name}") or 0.0)
        tf = float(scored.get(f"mw_tf_adj_{comparison.name}") or 0.0)
        steps.append(
            Step(comparison.name, _level_label(weights, comparison.name, raw), raw + tf, tf)
        )
    probability = float(scored["match_probability"])
    pair: dict[str, Any] = {f"mw_{step.comparison}": step.match_weight for step in steps}
    for side, record in (("l", rec_l), ("r", rec_r)):
        pair[f"source_kind_{side}"] = record.get("source_kind")
        pair[f"given_class_{side}"] = record.get("given_class")
    two = features.iloc[[position[left], position[right]]]
    conflict = IdentityConflicts(two, rewriting=spec.kinds.rewriting).reason(
        int(rec_l["uid"]), int(rec_r["uid"])
    )
    return Explanation(
        left=left,
        right=right,
        prior_weight=prior_weight(state.model),
        steps=steps,
        match_weight=float(scored["match_weight"]),
        match_probability=probability,
        stored_status=stored,
        stored_rule=stored_rule,
        notes=_notes(spec, pair, probability, stored, conflict, rule_id=stored_rule),
        agreement=agreements(written.get(left, {}), written.get(right, {}), AGREEMENT_FIELDS),
    )


AGREEMENT_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
    "last_known_place",
)


def _written(session: Any, *, keys_uids: Any, left: Key, right: Key) -> dict[Key, dict[str, str]]:
    """The two records' current values as written (birth date as yyyy[-mm[-dd]])."""
    uids = [
        int(uid)
        for uid, source, record_id in zip(
            keys_uids["uid"], keys_uids["source"], keys_uids["record_id"], strict=True
        )
        if (source, record_id) in (left, right)
    ]
    if not uids:
        return {}
    found: dict[Key, dict[str, str]] = {}
    for row in load_records(session, uids=uids).to_dict("records"):
        values = {
            f: str(row[f])
            for f in AGREEMENT_FIELDS
            if f in row and row[f] is not None and str(row[f]) not in ("", "nan", "None")
        }
        parts = [row.get("birth_year"), row.get("birth_month"), row.get("birth_day")]
        date_parts = []
        for width, part in zip((4, 2, 2), parts, strict=True):
            if part is None or str(part) in ("", "nan", "None"):
                break
            date_parts.append(str(int(float(part))).zfill(width))
        if date_parts:
            values["birth_date"] = "-".join(date_parts)
        found[(row["source"], row["record_id"])] = values
    return found


def _notes(
    spec: ModelSpec,
    pair: dict[str, Any],
    probability: float,
    stored: str | None,
    conflict: str | None,
    *,
    rule_id: str | None = None,
) -> tuple[str, ...]:
    """What besides the probability decided the pair, each with the decision rule's id and why
    (`kintrace.linkage.decide`): the rule that set the stored status (`rule_id`, recorded by
    the run), and the safety rules that hold this pair whatever its probability."""
    t = spec.thresholds
    by_id = {rule.id: rule for rule in RULES}
    setter = by_id.get(rule_id or "")
    notes = []
    if probability >= t.auto_link:
        for hold in HOLDS:
            row = {**pair, "match_probability": probability}
            if hold.applies(row, spec) and not hold.excused(row, spec):
                notes.append(
                    f"held for review whatever its probability: {hold.why} (rule {hold.id})"
                )
                break
    if stored == "auto" and probability < t.auto_link:
        notes.append(
            "linked without review below the auto-link threshold: "
            + (
                f"{setter.why} (rule {setter.id})"
                if setter is not None and setter.id != "0301-thresholds"
                else "the only plausible match of a record (decisions 0312, 0315) or found "
                "through a sibling listed with it (0314)"
            )
        )
    if stored == "pending" and probability < t.review_floor:
        notes.append(
            "offered for review below the floor: "
            + (
                f"{setter.why} (rule {setter.id})"
                if setter is not None and setter.id != "0301-thresholds"
                else "an adoption-listing record's candidate supported by its listed-together "
                "siblings, or one of its best (decision 0311)"
            )
        )
    if conflict:
        notes.append(
            f"never one person through other links: {conflict} (decision 0316); a reviewer's "
            "'same child' overrides"
        )
    return tuple(notes)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out[key] = None
        elif hasattr(value, "item"):
            out[key] = value.item()
        elif str(value) == "<NA>":
            out[key] = None
        else:
            out[key] = value
    return out


def waterfall_html(explanation: Explanation) -> str:
    """A self-contained HTML page with the waterfall as inline SVG (no scripts, no network)."""
    bars = [("prior (how rare a match is)", explanation.prior_weight, "")]
    bars += [(s.comparison, s.match_weight, s.level) for s in explanation.steps]
    width, row_h, left_pad = 760, 28, 220
    values = [0.0]
    running = 0.0
    for _name, weight, _lvl in bars:
        running += weight
        values.append(running)
    lo, hi = min(values) - 1, max(values) + 1
    scale = (width - left_pad - 20) / (hi - lo)

    def x(v: float) -> float:
        return left_pad + (v - lo) * scale

    parts = []
    running = 0.0
    for i, (name, weight, level) in enumerate(bars):
        start, end = running, running + weight
        running = end
        y = 10 + i * row_h
        colour = "#2e7d32" if weight >= 0 else "#c62828"
        label = html.escape(f"{name}: {level}" if level else name)
        parts.append(
            f'<text x="4" y="{y + 17}" font-size="12">{label}</text>'
            f'<rect x="{min(x(start), x(end)):.1f}" y="{y + 4}" '
            f'width="{max(abs(x(end) - x(start)), 1):.1f}" height="{row_h - 8}" fill="{colour}"/>'
            f'<text x="{max(x(start), x(end)) + 4:.1f}" y="{y + 17}" font-size="11">'
            f"{weight:+.2f}</text>"
        )
    y = 10 + len(bars) * row_h
    zero = x(0)
    parts.append(
        f'<line x1="{zero:.1f}" y1="5" x2="{zero:.1f}" y2="{y}" stroke="#999" '
        'stroke-dasharray="3"/>'
    )
    height = y + 30
    title = html.escape(
        f"{explanation.left[0]}:{explanation.left[1]} and "
        f"{explanation.right[0]}:{explanation.right[1]}"
    )
    summary = html.escape(
        f"total match weight {explanation.match_weight:+.2f}, match probability "
        f"{explanation.match_probability:.4f}"
    )
    notes = "".join(f"<p>{html.escape(note)}</p>" for note in explanation.notes)
    data = html.escape(json.dumps([s.__dict__ for s in explanation.steps]))
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Kintrace explanation</title></head><body style='font-family:sans-serif'>"
        f"<h1 style='font-size:16px'>Why {title}</h1><p>{summary}</p>{notes}"
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}'>"
        + "".join(parts)
        + f"</svg><script type='application/json' id='steps'>{data}</script></body></html>"
    )

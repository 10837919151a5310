"""Which scored pairs below the review floor leave the database: only those the offer rules can
still use (issue 10 item 1, decision 0341).

A pair below the review floor is stored only when an offer rule of `kintrace.linkage.decide`
makes it `pending`, and only the three offer rules read such pairs (`decide.offers`):

- `0311-unseen-offers` and `0323-fill-offers` take, of each adoption record, its best few
  candidates below the floor (birthplace plus birth-date rank, then probability, then the
  pair's records: `offers.offer_order`, `offers.date_ranks`; the birthplaces agree by key or
  by the model's weight, `offers.PLACE_WEIGHT`, decision 0357), at most `adoption_unseen_offers`
  and `adoption_offers_per_record`, one per person, among the first `offers.OFFER_DEPTH` times
  as many (decisions 0337, 0338);
- `0311-sibling-offers` takes candidates that a listed-together sibling supports: the
  sibling (another first name, same listing group or renamed alike) has an anchor, a pair at or
  above `offers.ANCHOR_FLOOR`, with a record in the candidate's listing group or of its surname
  stem.

The unambiguous rule reads them too (decision 0334): a renamed record with a candidate at or
above `unambiguous_link` is not linked on its kept identity when a candidate of another person
fits it closely — the same known first-name class and full birth dates at most
`decide.holds.MOVED_BY_WEEKS` days apart — at any probability; so those candidates of such
records leave the database as well (only theirs: the rule weighs no other record's). Such a
record is one of a kind that renames (`KindPolicy.renaming`), whatever the kind of the record
at the other end of its pair at or above `unambiguous_link` (another listing's record, a
duplicate of its own row) and of its close look-alike (a record of another listing too):
`unambiguous.close_fit_persons` reads all of those (decision 0351).

At a million dense records tens of millions of pairs between an adoption record and the
look-alikes of its first name and year score between the adoption offer floor and the review
floor, and bringing them all into pandas was the run's memory peak. `selection_sql` keeps, in
the database, every pair at or above the review floor and of the pairs below it: each adoption
record's best `OFFER_DEPTH * adoption_unseen_offers` (and `(OFFER_DEPTH + 1) *
adoption_offers_per_record`, when more: the fill offers skip the sibling offers' pairs) in the
offer order (a window function), the
anchors of records that have a listed-together sibling, and the candidates whose record's
siblings have an anchor in the candidate's group or surname stem, and the close look-alikes of
the renamed records the unambiguous rule weighs. That is a superset of what the rules take (they
still decide, in pandas, with their own tests), so `decide()` gives the same statuses, rule ids
and persons on the selection as on every candidate (tests/unit/linkage/test_scoring_at_scale.py;
`bench/below_floor_check.py` at any size).

Each of those four kinds of pair is a query of its own and the pairs are their union (decision
0361): as one condition joined onto every pair below the floor, three left joins read all tens
of millions of them. The selection's steps read a narrow copy of the pairs (uids, probability,
the birthplace weight), and only the pairs kept are read again with every column.

The window function ranks only the pairs that can reach a record's first `depth` (decision
0362): each pair's birthplace-and-date rank (0-4, the first key of the order) is counted per
record, and of a record's pairs only those up to the first rank at which the count reaches
`depth` are ranked; every pair of a later rank has at least `depth` pairs before it. At a
million dense records that is 4.8 of 38 million pairs. The sibling candidates' groups and stems
are looked up only for the records that have a sibling key, and the close look-alikes only
for the pairs of a weighed record.

The SQL runs on DuckDB and on Spark (standard window functions and joins only).
"""

from __future__ import annotations

from collections.abc import Collection

from kintrace.linkage.decide.holds import MOVED_BY_A_YEAR, MOVED_BY_WEEKS
from kintrace.linkage.decide.offers import ANCHOR_FLOOR, OFFER_DEPTH, PLACE_WEIGHT
from kintrace.linkage.spec import ModelSpec

__all__ = ["FEATURE_COLUMNS", "selection_sql"]

#: The feature-table columns the selection reads (missing ones count as unknown).
FEATURE_COLUMNS = (
    "source",
    "source_kind",
    "group_key",
    "family_stem",
    "patronymic_class",
    "given_class",
    "birth_place_key",
    "birth_days",
    "birth_month",
    "birth_day",
    "birth_year_min",
    "birth_year_max",
)


def _number(column: str, present: Collection[str]) -> str:
    """A numeric feature as the rules read it (missing: NULL)."""
    return f"CAST({column} AS BIGINT)" if column in present else "CAST(NULL AS BIGINT)"


def _text(column: str, present: Collection[str]) -> str:
    """A feature's text as the rules read it (`context._text`: missing is '')."""
    if column not in present:
        return "''"
    return f"COALESCE(CAST({column} AS STRING), '')"


def selection_sql(
    spec: ModelSpec,
    *,
    result: str,
    features: str,
    feature_columns: Collection[str],
    columns: list[str],
    uid: str = "uid",
) -> str | None:
    """The query that reads `columns` (the first two: the pair's uids) of the scored pairs in
    table `result` that `decide()` can use, ordered by the pair's uids; `features` is the run's
    feature table (`uid` and what it has of `FEATURE_COLUMNS`). None when the spec offers
    nothing below the review floor (`runner.candidate_condition` is then the whole selection)."""
    t = spec.thresholds
    offered = sorted(str(k) for k in spec.kinds.offered)
    if not offered or t.adoption_offer >= t.review_floor:
        return None
    kinds = ", ".join("'" + k.replace("'", "''") + "'" for k in offered)
    unseen, per_record = int(t.adoption_unseen_offers), int(t.adoption_offers_per_record)
    # the unseen offers read a record's first OFFER_DEPTH * unseen candidates; the fill offers
    # the first OFFER_DEPTH * per_record of those no other rule took, after at most per_record
    # sibling offers (`offers._OneSided.best`, decision 0338)
    depth = max(OFFER_DEPTH * unseen, (OFFER_DEPTH + 1) * per_record)
    review, offer, anchor = float(t.review_floor), float(t.adoption_offer), float(ANCHOR_FLOOR)
    weighed = float(t.unambiguous_link)
    fc = set(feature_columns)
    kind = "CAST(source_kind AS STRING)" if "source_kind" in fc else "CAST(NULL AS STRING)"
    place = _text("birth_place_key", fc)
    source, group, stem = _text("source", fc), _text("group_key", fc), _text("family_stem", fc)
    father, given = _text("patronymic_class", fc), _text("given_class", fc)
    days, month, day = (_number(c, fc) for c in ("birth_days", "birth_month", "birth_day"))
    low, high = _number("birth_year_min", fc), _number("birth_year_max", fc)
    weeks, year = int(MOVED_BY_WEEKS), int(MOVED_BY_A_YEAR)
    picked = ", ".join(columns)
    # the birthplaces agree as the model weighs them too (`offers._place_ranks`, decision 0357):
    # the weight as the pairs' frame reads it (`runner._pairs_frame`: NULL is 0, plus the
    # term-frequency adjustment when there is one)
    place_terms: set[str] = set()
    if PLACE_WEIGHT in columns:
        tf = PLACE_WEIGHT.replace("mw_", "mw_tf_adj_", 1)
        place_terms = {PLACE_WEIGHT, tf}
        weight = f"COALESCE(p.{PLACE_WEIGHT}, 0)" + (
            f" + COALESCE(p.{tf}, 0)" if tf in columns else ""
        )
        place_agrees = f"fr.place = fo.place OR {weight} > 0"
    else:
        place_agrees = "fr.place = fo.place"
    from_r = ", ".join(f"r.{c}" for c in columns)
    # the selection's steps read only these of each pair, and the pairs it keeps are read again
    # from `result` with all of `columns` (decision 0361: a wide `p` was copied and scanned by
    # every step)
    narrow = ", ".join(
        [f"{uid}_l", f"{uid}_r", "match_probability", *(c for c in columns if c in place_terms)]
    )
    renaming = sorted(str(k) for k in spec.kinds.renaming)
    renamed = ", ".join("'" + k.replace("'", "''") + "'" for k in renaming) or "NULL"
    offered_l = f"COALESCE(CAST(source_kind_l AS STRING) IN ({kinds}), FALSE)"
    offered_r = f"COALESCE(CAST(source_kind_r AS STRING) IN ({kinds}), FALSE)"
    # the close look-alikes of the weighed records: one join per side the weighed record is on,
    # united (decision 0362: an `OR` of two `IN`s joined every pair onto the records first)
    close = "\n    UNION\n".join(
        f"""    SELECT p.low_, p.high_
    FROM p JOIN weighed w ON w.uid = p.{uid}_{side}
    JOIN f fl ON fl.uid = p.{uid}_l JOIN f fr ON fr.uid = p.{uid}_r
    WHERE p.match_probability < {review!r}
      AND fl.given LIKE '%:%' AND fl.given = fr.given AND ABS(fl.days - fr.days) <= {weeks}"""
        for side in ("l", "r")
    )
    return f"""
WITH f AS (
    SELECT {uid} AS uid, {source} AS src, {kind} AS kind, {group} AS grp, {stem} AS stem,
           {father} AS father, {given} AS given, {place} AS place, {days} AS days,
           {month} AS mon, {day} AS dd, {low} AS ylo, {high} AS yhi
    FROM {features}
),
p AS (
    SELECT {narrow},
           CASE WHEN {offered_l} AND NOT {offered_r} THEN {uid}_l
                WHEN {offered_r} AND NOT {offered_l} THEN {uid}_r END AS rec_,
           CASE WHEN {offered_l} AND NOT {offered_r} THEN {uid}_r
                WHEN {offered_r} AND NOT {offered_l} THEN {uid}_l END AS other_,
           LEAST({uid}_l, {uid}_r) AS low_, GREATEST({uid}_l, {uid}_r) AS high_
    FROM {result}
    WHERE match_probability >= {review!r}
       OR (({offered_l} OR {offered_r}) AND match_probability >= {offer!r})
),
listed AS (
    SELECT uid, src, given,
           CASE WHEN grp <> '' THEN 'g:' || grp
                WHEN stem <> '' THEN 's:' || stem || '|' || father END AS listing
    FROM f
    WHERE kind IN ({kinds})
),
mates AS (
    SELECT a.uid AS one, b.uid AS two
    FROM listed a JOIN listed b
      ON a.src = b.src AND a.listing = b.listing AND a.uid <> b.uid AND a.given <> b.given
),
grouped AS (SELECT DISTINCT one AS uid FROM mates),
weighed AS (
    SELECT uid FROM (
        SELECT {uid}_l AS uid FROM p WHERE match_probability >= {weighed!r}
        UNION
        SELECT {uid}_r AS uid FROM p WHERE match_probability >= {weighed!r}
    ) w
    WHERE uid IN (SELECT uid FROM f WHERE kind IN ({renamed}))
),
close AS (
{close}
),
anchors AS (
    SELECT p.rec_ AS two, f.grp, f.stem
    FROM p JOIN f ON f.uid = p.other_
    WHERE p.rec_ IN (SELECT uid FROM grouped) AND p.match_probability >= {anchor!r}
),
sibling_groups AS (
    SELECT DISTINCT m.one AS uid, a.grp
    FROM mates m JOIN anchors a ON a.two = m.two WHERE a.grp <> ''
),
sibling_stems AS (
    SELECT DISTINCT m.one AS uid, a.stem
    FROM mates m JOIN anchors a ON a.two = m.two WHERE a.stem <> ''
),
sibling AS (
    SELECT p.low_, p.high_, p.rec_, fo.grp, fo.stem
    FROM p JOIN f fo ON fo.uid = p.other_
    WHERE p.match_probability < {review!r}
      AND p.rec_ IN (SELECT uid FROM sibling_groups UNION SELECT uid FROM sibling_stems)
),
keyed AS (
    SELECT p.low_, p.high_, p.rec_, p.match_probability AS prob_,
           CASE WHEN fr.place = '' OR fo.place = '' THEN 1
                WHEN {place_agrees} THEN 0 ELSE 2 END
           + CASE WHEN fr.days IS NOT NULL AND fo.days IS NOT NULL THEN
                    CASE WHEN fr.days = fo.days THEN 0
                         WHEN ABS(fr.days - fo.days) <= {weeks}
                           OR ABS(ABS(fr.days - fo.days) - {year}) <= {weeks}
                           OR (fr.mon = fo.mon AND fr.dd = fo.dd) THEN 1
                         ELSE 2 END
                WHEN fr.ylo IS NULL OR fr.yhi IS NULL
                  OR fo.ylo IS NULL OR fo.yhi IS NULL THEN 1
                WHEN fr.ylo - 1 <= fo.yhi AND fo.ylo - 1 <= fr.yhi THEN 1
                WHEN fr.yhi < fo.ylo THEN 1
                ELSE 2 END AS key_
    FROM p JOIN f fr ON fr.uid = p.rec_ JOIN f fo ON fo.uid = p.other_
    WHERE p.match_probability < {review!r}
),
counted AS (SELECT rec_, key_, COUNT(*) AS n FROM keyed GROUP BY rec_, key_),
cut AS (
    SELECT rec_, MIN(key_) AS last_ FROM (
        SELECT rec_, key_, SUM(n) OVER (PARTITION BY rec_ ORDER BY key_) AS upto_
        FROM counted
    ) c
    WHERE upto_ >= {depth}
    GROUP BY rec_
),
ranked AS (
    SELECT k.low_, k.high_,
           ROW_NUMBER() OVER (
               PARTITION BY k.rec_ ORDER BY k.key_, k.prob_ DESC, k.low_, k.high_
           ) AS rank_
    FROM keyed k LEFT JOIN cut ON cut.rec_ IS NOT DISTINCT FROM k.rec_
    WHERE cut.last_ IS NULL OR k.key_ <= cut.last_
),
kept AS (
    SELECT low_, high_ FROM ranked WHERE rank_ <= {depth}
    UNION
    SELECT p.low_, p.high_ FROM p
    WHERE p.match_probability < {review!r} AND p.match_probability >= {anchor!r}
      AND p.rec_ IN (SELECT uid FROM grouped)
    UNION
    SELECT s.low_, s.high_ FROM sibling s JOIN sibling_groups k ON k.uid = s.rec_ AND k.grp = s.grp
    UNION
    SELECT s.low_, s.high_ FROM sibling s JOIN sibling_stems k ON k.uid = s.rec_ AND k.stem = s.stem
    UNION
    SELECT low_, high_ FROM close
)
SELECT {picked} FROM {result} WHERE match_probability >= {review!r}
UNION ALL
SELECT {from_r} FROM {result} r
JOIN kept k ON k.low_ = LEAST(r.{uid}_l, r.{uid}_r) AND k.high_ = GREATEST(r.{uid}_l, r.{uid}_r)
WHERE r.match_probability < {review!r}
ORDER BY 1, 2
"""

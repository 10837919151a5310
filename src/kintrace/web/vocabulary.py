"""Words the interface shows that are made elsewhere: the linkage model's level labels (the
weights table of the pair page) and the field agreements (`kintrace.linkage.spec.agreement`,
person and pair pages). Marked here so the catalogue extraction finds them; templates translate
them where they are shown. `tests/unit/web/test_i18n.py` checks that every label the model and
the agreement function can produce is listed.
"""

from __future__ import annotations

from kintrace.web.i18n import N_

LEVEL_LABELS = (
    N_("missing"),
    N_("same"),
    N_("different"),
    N_("same name"),
    N_("Ukrainian/Russian equivalent"),
    N_("diminutive or another form of the same name"),
    N_("close spelling"),
    N_("loosely close"),
    N_("same surname"),
    N_("gender or Russified form"),
    N_("different, one record from an adoption listing"),
    N_("same patronymic"),
    N_("same father's name"),
    N_("same date"),
    N_("day and month swapped"),
    N_("same month (day unknown on one side)"),
    N_("within 2 months"),
    N_("same year (month unknown on one side)"),
    N_("same year, months apart"),
    N_("consistent with stated age"),
    N_("within 1 year"),
    N_("same day and month, years apart"),
    N_("same sex"),
    N_("same place across scripts"),
    N_("close place spelling"),
    N_("same year"),
    N_("same month"),
)

#: The kinds a source may have (`kintrace.registry.sources.SOURCE_KINDS`; checked by the test).
SOURCE_KIND_LABELS = (
    N_("family"),
    N_("registry"),
    N_("camp"),
    N_("adoption"),
    N_("partner"),
    N_("answer"),
    N_("unknown"),
)

#: Events of an evidence item's custody log (`kintrace.evidence.custody.Event`) and the
#: operator's role there; checked by the test.
CUSTODY_EVENT_LABELS = (
    N_("ingest"),
    N_("link"),
    N_("view"),
    N_("download"),
    N_("derive"),
    N_("export"),
    N_("verify"),
    N_("hold"),
    N_("release"),
    N_("erase"),
    N_("operator"),
)

#: The kinds of an evidence item (`kintrace.evidence.kinds.Kind`): the person and case pages'
#: evidence list and form, the evidence page; checked by the test.
EVIDENCE_KIND_LABELS = (
    N_("document"),
    N_("photo"),
    N_("video"),
    N_("audio"),
    N_("testimony"),
    N_("capture"),
)

#: Why each decision rule sets a pair's status (`kintrace.linkage.decide.RULES`), shown on
#: the pair page; checked by the test.
RULE_REASONS = (
    N_("the calibrated probability: auto-link at or above 0.99, pending from the review floor"),
    N_("two different first names the name tables know: what siblings and twins look like"),
    N_("a record from an adoption listing under another surname: names are replaced there"),
    N_("a renamed pair at or above auto-link that kept its identity (0312, 0321) is not held"),
    N_("birth dates that speak against the pair, outside adoption listings"),
    N_("one surname and one birth date or father, two known first names: twins or siblings"),
    N_("rows one list names together (one group) are different children"),
    N_("two of surname, father's name and birth date disagree outside adoption listings"),
    N_("an adoption record's candidate supported by its listed-together siblings is offered"),
    N_("an adoption record nobody would see has its best candidates offered"),
    N_("an unlinked adoption record shown with under 3 candidates has its next best offered"),
    N_("the auto links make the persons the unambiguous rule weighs candidates against"),
    N_("a pending pair at or above 0.8 that is each record's only plausible match is linked"),
    N_("it attaches a record alone in its person; it never merges two persons"),
    N_(
        "a renamed adoption record that kept first name, sex and birth date (or moved it, 0321) "
        "may link"
    ),
    N_(
        "a listing's record under a new first name may link when alone and nothing else "
        "is against it"
    ),
    N_("another list's lone record that is a candidate of the same person is no rival"),
    N_("a pair its listed-together siblings support beats a rival they do not"),
    N_("on the joined person's side only lone records of the attaching record's list rival"),
    N_("the auto links, reviewers' decisions and the data's constraints make the persons"),
    N_("a renamed adoption record is linked to the sibling of its listed-together sibling"),
)

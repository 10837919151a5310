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

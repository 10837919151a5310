"""Why an import held a row back or refused a file, and why review refused a verdict or a case,
as templates, for the web to translate.

The registry writes each of its reasons from one template (`kintrace.registry.reasons`); the
import service refuses an upload with its own two (`kintrace.services.imports.REFUSALS`); the
review area its verdicts, claims and cases with `kintrace.review.refusals` (the case rules' own
are in `kintrace.cases.refusals`, which the web imports itself). The web reads the same
templates to recognise a reason and show it in the reader's language (`kintrace.web.problems`,
decisions 0414, 0908, 0909); it reaches them here, as it reaches the areas only through the
services (decision 0901). Pure: nothing is read or written.
"""

from __future__ import annotations

from kintrace.registry.reasons import FILE_REFUSALS, FRAGMENTS, ROW_REASONS, WHERE
from kintrace.review.refusals import REFUSALS as REVIEW_REFUSALS
from kintrace.services.imports import REFUSALS as UPLOAD_REFUSALS

#: Every reason an import can give, whole (a row's, a file's, an upload's).
IMPORT_REASONS = (*ROW_REASONS, *FILE_REFUSALS, *UPLOAD_REFUSALS)

__all__ = ["FRAGMENTS", "IMPORT_REASONS", "REVIEW_REFUSALS", "WHERE"]

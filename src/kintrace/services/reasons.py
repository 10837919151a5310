"""Why an import held a row back or refused a file, as templates, for the web to translate.

The registry writes each of its reasons from one template (`kintrace.registry.reasons`); the
import service refuses an upload with its own two (`kintrace.services.imports.REFUSALS`). The web
reads the same templates to recognise a reason and show it in the reader's language
(`kintrace.web.problems`, decision 0414); it reaches them here, as it reaches the registry only
through the services (decision 0901). Pure: nothing is read or written.
"""

from __future__ import annotations

from kintrace.registry.reasons import FILE_REFUSALS, FRAGMENTS, ROW_REASONS, WHERE
from kintrace.services.imports import REFUSALS as UPLOAD_REFUSALS

#: Every reason an import can give, whole (a row's, a file's, an upload's).
IMPORT_REASONS = (*ROW_REASONS, *FILE_REFUSALS, *UPLOAD_REFUSALS)

__all__ = ["FRAGMENTS", "IMPORT_REASONS", "WHERE"]

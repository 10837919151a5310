"""Which lists a delivery has (per profile), how their files look, and who appears in which.

Each child appears in one to five lists. Appearance is decided per family first where a family
acts together (a parent reports all the children; siblings are deported together; a mediator
takes up a family's case) and then per child; the state registry and adoption listings decide
per child. Adoption follows camp: a child seen in a camp is adopted more often.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from generators.second.kinds_partner import partner_entry
from generators.second.kinds_ru import adoption_entry, camp_entry
from generators.second.kinds_ua import family_report, registry_entry
from generators.second.model import Source
from generators.second.population import Child, Family
from generators.second.rows import Context

PROFILES = ("default", "dense", "one_surname", "same_name", "single_source", "unknown_kinds")
MAX_SOURCES_PER_CHILD = 5
DUPLICATE_RATE = 0.015  # rows entered twice in the same list, under a new record id
CAMP_GROUP_SIZE = 25  # rows per transport/group in a camp list, on average

_BASE = ("source", "record_id", "family_name", "given_name", "patronymic", "sex", "birth_date")
FAMILY_COLUMNS = (*_BASE, "age", "observed_on", "birth_place", "last_known_place", "group_id",
                  "guardian_name", "guardian_contact", "notes", "synthetic")  # fmt: skip
REGISTRY_COLUMNS = (*_BASE, "observed_on", "birth_place", "synthetic")
CAMP_COLUMNS = (*_BASE, "age", "observed_on", "birth_place", "last_known_place", "group_id",
                "notes", "synthetic")  # fmt: skip
ADOPTION_COLUMNS = (*_BASE, "age", "observed_on", "birth_place", "last_known_place", "group_id",
                    "synthetic")  # fmt: skip
PARTNER_COLUMNS = ("source", "record_id", "given_name", "family_name", "patronymic", "full_name",
                   "sex", "birth_date", "age", "observed_on", "birth_place", "last_known_place",
                   "group_id", "notes", "synthetic")  # fmt: skip

Builder = Callable[[Child, Family, Source, Context], dict[str, str]]
BUILDERS: dict[str, Builder] = {
    "family": family_report,
    "registry": registry_entry,
    "camp": camp_entry,
    "adoption": adoption_entry,
    "partner": partner_entry,
}
RECORD_IDS = {
    "family_reports": "FR-{:07d}",
    "ua_registry": "UA{:07d}",
    "camp_south": "ЮГ/{:07d}",
    "camp_east": "В-{:07d}",
    "adoption_portal": "ANK{:07d}",
    "adoption_regional": "R-{:07d}",
    "partner_ngo": "ngo-{:07d}",
    "partner_mediator": "PM-{:07d}",
}


def _title(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.replace("_", " ").title() for c in columns)


def sources_for(profile: str) -> list[Source]:
    """The lists of a delivery under `profile` (see PROFILES and the package README)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of: {', '.join(PROFILES)}")
    family = Source("family_reports", "family", "family_reports.csv", "csv", "utf-8-sig", ",",
                    "Family reports to the tracing bureau (Ukrainian, filed by relatives)",
                    FAMILY_COLUMNS, FAMILY_COLUMNS, "2025-01-15")  # fmt: skip
    if profile == "single_source":
        return [family]
    portal_xlsx = profile != "dense"  # at scale, CSV: a 100k-row workbook is slow to read
    return [
        family,
        Source("ua_registry", "registry", "ua_registry.csv", "csv", "utf-8", ",",
               "Ukrainian state registry of deported children (Latin, KMU 2010)",
               REGISTRY_COLUMNS, tuple(c.upper() for c in REGISTRY_COLUMNS), "2025-01-10"),
        Source("camp_south", "camp", "camp_south.csv", "csv", "cp1251", ";",
               "Placement list of southern transports (Russian, Windows-1251)",
               CAMP_COLUMNS, CAMP_COLUMNS, "2024-06-01"),
        Source("camp_east", "camp", "camp_east.csv", "csv", "cp1251", ";",
               "Placement/camp list, eastern route (Russian, Windows-1251)",
               CAMP_COLUMNS, CAMP_COLUMNS, "2024-08-20"),
        Source("adoption_portal", "adoption",
               "adoption_portal.xlsx" if portal_xlsx else "adoption_portal.csv",
               "xlsx" if portal_xlsx else "csv", "" if portal_xlsx else "utf-8",
               "" if portal_xlsx else ",",
               "Listing of children offered for adoption/guardianship (Russian)",
               ADOPTION_COLUMNS, _title(ADOPTION_COLUMNS), "2025-01-05"),
        Source("adoption_regional", "adoption", "adoption_regional.csv", "csv", "utf-8", ",",
               "Regional guardianship listing (Russian)",
               ADOPTION_COLUMNS, ADOPTION_COLUMNS, "2024-11-30"),
        Source("partner_ngo", "partner", "partner_ngo.jsonl", "jsonl", "utf-8", "",
               "List shared by a partner organisation (Latin, mixed standards)",
               PARTNER_COLUMNS, PARTNER_COLUMNS, "2024-12-12"),
        Source("partner_mediator", "partner", "partner_mediator.csv", "csv", "utf-8", ",",
               "List passed on by a mediator (Latin, mixed standards)",
               PARTNER_COLUMNS, _title(PARTNER_COLUMNS), "2025-01-20"),
    ]  # fmt: skip


@dataclass(frozen=True)
class Membership:
    """Appearance probabilities: family-level, then child-level given the family."""

    family_family: float = 0.66
    family_child: float = 0.90
    registry: float = 0.50
    camp_family: float = 0.55
    camp_child: float = 0.90
    camp_south: float = 0.55  # else camp_east
    second_camp: float = 0.08  # a child met in both camp lists
    adoption_after_camp: float = 0.32
    adoption_otherwise: float = 0.06
    adoption_portal: float = 0.60  # else adoption_regional
    partner_family: float = 0.40
    partner_child: float = 0.85
    partner_ngo: float = 0.55  # else partner_mediator
    both_partners: float = 0.05


def camp_groups(children: int, membership: Membership) -> dict[str, int]:
    """How many transports/groups each camp list has, for about CAMP_GROUP_SIZE rows each."""
    camp = children * membership.camp_family * membership.camp_child
    south = camp * membership.camp_south
    return {
        "camp_south": max(1, round(south / CAMP_GROUP_SIZE)),
        "camp_east": max(1, round((camp - south) / CAMP_GROUP_SIZE)),
    }


def appearances(
    family: Family, *, rng: random.Random, membership: Membership, single_source: bool
) -> list[list[str]]:
    """For each child of `family`, the names of the lists it appears in (1 to 5)."""
    m = membership
    if single_source:
        return [["family_reports"] for _ in family.children]
    reported = rng.random() < m.family_family
    deported = rng.random() < m.camp_family
    first_camp = "camp_south" if rng.random() < m.camp_south else "camp_east"
    other_camp = "camp_east" if first_camp == "camp_south" else "camp_south"
    mediated = rng.random() < m.partner_family
    partner = "partner_ngo" if rng.random() < m.partner_ngo else "partner_mediator"
    other_partner = "partner_mediator" if partner == "partner_ngo" else "partner_ngo"
    result = []
    for _child in family.children:
        lists: list[str] = []
        if reported and rng.random() < m.family_child:
            lists.append("family_reports")
        if rng.random() < m.registry:
            lists.append("ua_registry")
        in_camp = deported and rng.random() < m.camp_child
        if in_camp:
            lists.append(first_camp)
            if rng.random() < m.second_camp:
                lists.append(other_camp)
        if rng.random() < (m.adoption_after_camp if in_camp else m.adoption_otherwise):
            portal = rng.random() < m.adoption_portal
            lists.append("adoption_portal" if portal else "adoption_regional")
        if mediated and rng.random() < m.partner_child:
            lists.append(partner)
            if rng.random() < m.both_partners:
                lists.append(other_partner)
        if not lists:
            lists.append("family_reports" if rng.random() < 0.6 else "ua_registry")
        result.append(lists[:MAX_SOURCES_PER_CHILD])
    return result

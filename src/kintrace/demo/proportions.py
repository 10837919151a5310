"""How often each scenario happens: one place, read by the generator, the tests and the docs.

Figures are chosen to resemble public reporting where it exists (46.6% of the children Yale HRL
identified had siblings listed too) and are otherwise plausible guesses; docs/demo-data.md lists
them with the shares measured on a generated set.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Proportions:
    # Families and the truth.
    family_size_weights: tuple[float, ...] = (0.72, 0.19, 0.065, 0.025)  # 1, 2, 3, 4 children
    twin_family: float = 0.075  # of families with two or more missing children
    mixed_sex_twins: float = 0.35
    lookalike: float = 0.05  # per family: an unrelated child with a confusable name

    # Ukrainian family reports (Ukrainian Cyrillic).
    family_reports: float = 0.80  # families that report their missing children
    family_reports_child: float = 0.95  # each child of a reporting family
    family_reported_together: float = 0.90  # siblings in one report (shared group_id)
    family_duplicate: float = 0.06  # a child reported a second time, by another relative
    family_diminutive: float = 0.20
    family_typo: float = 0.08
    family_full_name_only: float = 0.10
    family_age_only: float = 0.12
    family_no_birth: float = 0.03
    family_missing_part: float = 0.03  # surname or given name left out
    family_no_patronymic: float = 0.25
    family_given_first: float = 0.30  # of full-name-only rows: "Ім'я По батькові Прізвище"

    # Ukrainian state registry (Latin, national 2010 transliteration).
    registry: float = 0.70
    registry_typo: float = 0.02

    # Russian camp lists (Russian Cyrillic, Windows-1251 and KOI8-U).
    camp: float = 0.45  # families found in a camp list
    camp_child: float = 0.90
    camp_list_b: float = 0.40  # share of camp families on list B rather than list A
    camp_both_lists: float = 0.05  # transferred: on both lists
    camp_russian_given: float = 0.92
    camp_russian_surname: float = 0.85
    camp_russian_patronymic: float = 0.92
    camp_date_swap: float = 0.12  # of records whose day could be a month (day <= 12)
    camp_age_only: float = 0.05
    camp_typo: float = 0.05
    camp_diminutive: float = 0.03
    camp_gender_form: float = 0.20  # of girls with a gendered surname: written in the male form
    camp_swapped_parts: float = 0.015  # list A: given name and surname in each other's column
    russian_yo: float = 0.30  # of Russian rows with a word that can take ё (Артём, Ковалёва)

    # Russian adoption listings (XLSX).
    adoption: float = 0.06  # per child
    adoption_sibling_along: float = 0.70  # a sibling of a listed child is listed with them
    adoption_renamed: float = 0.70  # surname and patronymic replaced
    adoption_given_changed: float = 0.10
    adoption_birthplace_changed: float = 0.50
    adoption_podolsk: float = 0.40  # of changed birthplaces
    adoption_birthdate_changed: float = 0.15
    adoption_age_inflated: float = 0.10
    adoption_year_only: float = 0.30

    # Partner lists (Latin under other standards, JSON Lines).
    mediator: float = 0.25  # families on the mediator list (transliterated from Russian forms)
    mediator_year_only: float = 0.70
    mediator_full_name_only: float = 0.40
    ngo: float = 0.15  # families on the NGO list (French-style / BGN from Ukrainian forms)
    ngo_year_only: float = 0.50
    ngo_french: float = 0.65  # else Ukrainian BGN/PCGN
    ngo_french_given: float = 0.40  # of French-style records whose name has a French equivalent


DEFAULT_PROPORTIONS = Proportions()

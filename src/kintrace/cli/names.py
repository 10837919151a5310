"""CLI commands for the names area: `kintrace names compare A B`, `kintrace names keys NAME`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from kintrace.cli.output import literal_console

names_app = typer.Typer(
    help="Compare names and show their transliterations and matching keys.",
    no_args_is_help=True,
)


@names_app.command("compare")
def compare_command(
    name_a: Annotated[str, typer.Argument(help="First name, any script, parts in any order.")],
    name_b: Annotated[str, typer.Argument(help="Second name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Print the score, the decision (match / no match) and the reasons."""
    from kintrace.names import compare, split_full_name

    result = compare(name_a, name_b)
    parts_a, parts_b = split_full_name(name_a), split_full_name(name_b)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "score": result.score,
                    "decision": result.decision,
                    "reasons": list(result.reasons),
                    "levels": result.levels,
                    "parts_a": parts_a._asdict(),
                    "parts_b": parts_b._asdict(),
                },
                ensure_ascii=False,
            )
        )
        return
    console = literal_console()
    table = Table(show_header=True, header_style="bold")
    table.add_column("part")
    table.add_column("A")
    table.add_column("B")
    table.add_column("level")
    for part in ("given", "family", "patronymic"):
        table.add_row(
            part, getattr(parts_a, part), getattr(parts_b, part), result.levels.get(part, "")
        )
    console.print(table)
    decision = "match" if result.is_match else "no match"
    console.print(Text.assemble(f"score {result.score:.3f}  decision: ", (decision, "bold")))
    for reason in result.reasons:
        console.print(f"  - {reason}", markup=False)


@names_app.command("keys")
def keys_command(
    name: Annotated[str, typer.Argument(help="A name or one name part, any script.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Print every transliteration of NAME and the keys of each of its parts."""
    from kintrace.names import (
        coarse_key,
        detect_script,
        family_name_stem,
        given_name_classes,
        name_key,
        patronymic_class,
        repair_homoglyphs,
        split_full_name,
        transliterations,
    )

    repaired = repair_homoglyphs(name)
    parts = split_full_name(name)
    spellings = transliterations(name)
    given_classes = sorted(given_name_classes(parts.given))
    info: dict[str, object] = {
        "script": detect_script(name).value,
        "repaired": repaired,
        "script_after_repair": detect_script(repaired).value,
        "transliterations": spellings,
        "name_key": name_key(name),
        "coarse_key": coarse_key(name),
        "parts": {
            "given": {
                "text": parts.given,
                "key": name_key(parts.given),
                "coarse": coarse_key(parts.given),
                "classes": given_classes,
            },
            "family": {
                "text": parts.family,
                "key": name_key(parts.family),
                "coarse": coarse_key(parts.family),
                "stem": family_name_stem(parts.family),
            },
            "patronymic": {
                "text": parts.patronymic,
                "key": name_key(parts.patronymic),
                "class": patronymic_class(parts.patronymic),
            },
        },
    }
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False))
        return
    console = literal_console()
    console.print(
        f"script: {info['script']}  (after homoglyph repair: {info['script_after_repair']})",
        markup=False,
    )
    if repaired != name:
        console.print(f"repaired: {repaired}", markup=False)
    translit_table = Table("standard", "spelling", header_style="bold")
    for standard, spelling in spellings.items():
        translit_table.add_row(standard, spelling)
    console.print(translit_table)
    parts_table = Table("part", "as written", "key", "coarse", "class / stem", header_style="bold")
    parts_table.add_row(
        "given", parts.given, name_key(parts.given), coarse_key(parts.given),
        ", ".join(given_classes),
    )  # fmt: skip
    parts_table.add_row(
        "family", parts.family, name_key(parts.family), coarse_key(parts.family),
        family_name_stem(parts.family),
    )  # fmt: skip
    parts_table.add_row(
        "patronymic", parts.patronymic, name_key(parts.patronymic), "",
        patronymic_class(parts.patronymic),
    )  # fmt: skip
    console.print(parts_table)
    console.print(f"name key: {info['name_key']}   coarse key: {info['coarse_key']}", markup=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(names_app, name="names")

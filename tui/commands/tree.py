"""Where the areas hang their commands: top-level ones, and under export, import and report."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from models.i18n import t


@dataclass
class CommandTree:
    top: argparse._SubParsersAction
    common: argparse.ArgumentParser  # --db and --lang, for every command
    export: argparse._SubParsersAction  # jiaoyan export WHAT
    import_: argparse._SubParsersAction  # jiaoyan import WHAT
    report: argparse._SubParsersAction  # jiaoyan report WHAT

    @classmethod
    def build(cls, top: argparse._SubParsersAction, common: argparse.ArgumentParser) -> "CommandTree":
        groups = {}
        for name in ("export", "import", "report"):
            parser = top.add_parser(name, help=t(f"cli.{name}.help"), description=t(f"cli.{name}.help"))
            groups[name] = parser.add_subparsers(dest=f"{name}_what", metavar="WHAT", required=True)
        return cls(top=top, common=common, export=groups["export"], import_=groups["import"],
                   report=groups["report"])

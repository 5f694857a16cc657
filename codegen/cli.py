"""``python -m codegen generate|check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codegen.errors import CodegenError
from codegen.generate import DEFAULT_PACKAGE, stale_diff, write_generated

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("command", choices=("generate", "check"))
    parser.add_argument(
        "--schemas", type=Path, default=Path("schemas"), help="schema tree (default: schemas)"
    )
    parser.add_argument(
        "--output", type=Path, default=Path("generated"), help="output directory (default: generated)"
    )
    parser.add_argument(
        "--package", default=DEFAULT_PACKAGE, help=f"generated package name (default: {DEFAULT_PACKAGE})"
    )
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "generate":
            write_generated(arguments.schemas, arguments.output, arguments.package)
            print(f"generated {arguments.output} from {arguments.schemas}")
            return 0
        diff = stale_diff(arguments.schemas, arguments.output, arguments.package)
    except CodegenError as error:
        print(error, file=sys.stderr)
        return 2
    if diff:
        sys.stdout.write(diff)
        print(
            f"\n{arguments.output} is stale: run `python -m codegen generate` and commit the result.",
            file=sys.stderr,
        )
        return 1
    print(f"{arguments.output} is up to date with {arguments.schemas}")
    return 0

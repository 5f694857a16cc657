"""Print the schema catalog's checksum: what the Helm chart's ``checksum/catalog`` pod annotation holds.

    python charts/catalog_digest.py            # sha256:…

The regenerate-and-deploy workflow passes it as ``catalog.digest`` (and labels the image with it), so
a release's pods roll exactly when the catalog changed. The same sha256 as charts/loom-gateway's
``loom-gateway.catalogDigest`` helper computes over its ``catalog/`` files (a link to
generated/loom_catalog/schemas): ``catalog/<name>\\n<content>\\n`` for every file, sorted by name.
charts/check.py (``nox -s chart``) checks that the two agree and that it changes with a schema.
Standard library only: the deploy job needs no extras.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

__all__ = ["catalog_digest"]

CATALOG = Path(__file__).resolve().parents[1] / "generated" / "loom_catalog" / "schemas"


def catalog_digest(directory: Path = CATALOG) -> str:
    text = b""
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        text += f"catalog/{path.relative_to(directory).as_posix()}\n".encode() + path.read_bytes() + b"\n"
    return "sha256:" + hashlib.sha256(text).hexdigest()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(f"usage: python {sys.argv[0]}  (takes no arguments)")
    print(catalog_digest())

"""Write the indicator definitions into README.md (the short list between its markers) and docs/definitions.md (in
full), from the indicator registry; with --check, exit 1 when either is out of date.

    python tools/definitions.py --write
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cicanalysis.reports.definitions import full_document, with_readme_list

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--write", action="store_true", help="rewrite README.md's list and docs/definitions.md")
    args = p.parse_args(argv)
    readme, doc = ROOT / "README.md", ROOT / "docs" / "definitions.md"
    want = {readme: with_readme_list(readme.read_text(encoding="utf-8")), doc: full_document() + "\n"}
    stale = [f for f, text in want.items() if not f.exists() or f.read_text(encoding="utf-8") != text]
    if args.write:
        for f in stale:
            f.write_text(want[f], encoding="utf-8")
        print(f"written: {', '.join(str(f.relative_to(ROOT)) for f in stale) or 'nothing (up to date)'}")
        return 0
    print(f"out of date: {', '.join(str(f.relative_to(ROOT)) for f in stale)}" if stale else "up to date")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

"""The indicator definitions as documented: README.md's list and docs/definitions.md are the registry's, and every
definition names its source (a DfE one with its URL, a local one saying it is local)."""
import re
import sys
from pathlib import Path

from cicanalysis.measures.indicators import REGISTRY
from cicanalysis.reports.definitions import BEGIN, END, basis, definitions_table, with_readme_list

ROOT = Path(__file__).resolve().parents[1]


def test_readme_and_docs_are_the_registrys_definitions():
    sys.path.insert(0, str(ROOT / "tools"))
    from definitions import main
    assert main([]) == 0, "run: python tools/definitions.py --write"


def test_every_indicator_is_listed_once_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([A-Z0-9_]+)` \|", readme.split(BEGIN)[1].split(END)[0], re.M)
    assert listed == [i.id for i in REGISTRY.all()]


def test_a_dfe_definition_names_its_url_and_a_local_one_says_it_is_local():
    for ind in REGISTRY.all():
        if basis(ind) == "DfE":
            assert "https://" in ind.definition_source, ind.id
        else:
            assert ind.definition_source.startswith("Local measure"), ind.id


def test_the_list_is_replaced_between_its_markers_only():
    text = f"intro\n{BEGIN}\nold list\n{END}\noutro\n"
    out = with_readme_list(text)
    assert out.startswith(f"intro\n{BEGIN}\n| indicator |") and out.endswith(f"{END}\noutro\n")
    assert "old list" not in out and len(definitions_table()) == len(REGISTRY)

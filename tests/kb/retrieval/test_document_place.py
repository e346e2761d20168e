"""The one place a document is about (Catalog.document_place): the one its lead names, else the
one its file name names; none when they name several (real ingest and store)."""

from pathlib import Path

import pytest
from conftest import make_settings
from helpers import documents_kb

pytestmark = pytest.mark.slow

DOCUMENTS = {
    # a council paper: title, file number and heading come first, the place only later
    "hamm-mitteilung-2019.md": (
        "# Informationen zur Landesinitiative\n\n50/3407/XVI/2019\n\n## Mitteilung\n\n"
        "Die Bündniskerngruppe hat sich am 27.06.2019 zur konstituierenden Sitzung getroffen.\n"
    ),
    # a file name with an umlaut written out
    "muenster-bericht-2018.md": "# Bericht\n\nDas Projekt begleitet langjährig Geduldete.\n",
    # the lead names the place, whatever the file name says
    "hamm-werkstatt.md": "# Werkstatt\n\nDie Tagung fand im Juni 2018 in Bielefeld statt.\n",
    # a lead that names two places tells nothing of the rest
    "protokoll.md": "# Protokoll\n\nZu Gast waren Duisburg und Essen.\n",
    # a town that is a word too names no place in a file name
    "essen-und-trinken-leitfaden.md": "# Leitfaden\n\nGemeinsam kochen verbindet.\n",
}


def test_a_documents_place_is_named_by_its_lead_or_its_file_name(tmp_path: Path) -> None:
    kb = documents_kb(make_settings(tmp_path / "data"), tmp_path, DOCUMENTS)
    try:
        catalog = kb.catalog()
        places = {
            c.file_name: catalog.document_place(c.doc_id) for c in catalog.first_chunks().values()
        }
    finally:
        kb.close()
    assert places == {
        "hamm-mitteilung-2019.md": "Hamm",
        "muenster-bericht-2018.md": "Münster",
        "hamm-werkstatt.md": "Bielefeld",
        "protokoll.md": None,
        "essen-und-trinken-leitfaden.md": None,
    }

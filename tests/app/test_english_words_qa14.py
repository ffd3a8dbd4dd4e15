"""English words of the fourteenth round: one name for shifts that clash with an absence, and the
import help's numbers and dates as an English reader writes and reads them."""
from __future__ import annotations

from flask_babel import force_locale, ngettext

from tests.conftest import compile_english_catalog, english_client


def test_the_import_help_reads_numbers_and_dates_the_english_way(app_with, make):
    browser = english_client(app_with, make, role="planner")
    page = browser.get("/gegevens/employees/").get_data(as_text=True)
    assert "for example 25.5 (25,5 also works)" in page
    assert "day-month-year: 7-12-2026" in page
    assert "Files made here use ; between the columns" in page
    assert "for example 25,5." not in page


def test_a_shift_and_an_absence_clash_in_every_english_sentence(app):
    compile_english_catalog()
    with app.test_request_context(), force_locale("en"):
        said = [ngettext("%(num)d dienst vanaf vandaag valt samen met een afwezigheid.",
                         "%(num)d diensten vanaf vandaag vallen samen met een afwezigheid.", 3),
                ngettext("En nog %(num)d rooster met diensten die samenvallen met deze afwezigheid.",
                         "En nog %(num)d roosters met diensten die samenvallen met deze afwezigheid.", 1)]
    assert said == ["From today, 3 shifts clash with an absence.",
                    "And 1 more roster with shifts that clash with this absence."]

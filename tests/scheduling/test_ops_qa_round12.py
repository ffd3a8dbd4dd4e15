"""Operations QA, round 12: `python -m scheduling bench` refuses an unknown size up front."""
import subprocess
import sys

import pytest

from scheduling.bench import parse_sizes


def test_sizes_are_read_in_any_case_and_spacing():
    assert parse_sizes(" s, M ,xl") == ["S", "M", "XL"]


@pytest.mark.parametrize(("text", "said"), [("S,Q", "'Q' is geen grootte"), (",", "geef een of meer groottes")])
def test_an_unknown_or_missing_size_is_refused(text, said):
    with pytest.raises(ValueError, match=said):
        parse_sizes(text)


def test_bench_refuses_an_unknown_size_before_anything_runs():
    result = subprocess.run([sys.executable, "-m", "scheduling", "bench", "--sizes", "Q"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--sizes: 'Q' is geen grootte: kies uit S, M, L of XL" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""

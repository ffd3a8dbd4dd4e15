"""The feed benchmark runs end to end and prints its table (the figures themselves are not judged here)."""
from binnenwerk import bench_feeds


def test_feed_benchmark_prints_render_times_and_request_rates(capsys):
    bench_feeds.main(["--no-server", "--runs", "2", "--seconds", "0.1"])
    out = capsys.readouterr().out
    assert "900 published shifts" in out
    for row in ("employee        60", "team           900", "location        60", "test client"):
        assert row in out
    assert "304/trivial" in out

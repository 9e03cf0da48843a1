"""The trend chart's figure data and table rows, checked number by number against a known history."""

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import plotly.graph_objects as go
import plotly.offline
import pytest
from django.conf import settings
from django.utils import translation

from symptoms import charts, rules
from symptoms.rules import DayEntry
from tests.factories import EntryFactory

START = date(2026, 1, 5)
GAPS = {1, 2, 3, 45}  # unlogged days (offsets from START)
FALL_DAY, BALANCE_DAYS = 30, {25, 35}
PAIN_ABOVE_NUMBNESS_DAY = 22  # numbness 4, pain 6: the day score is still 6
LAST = 47


def day(offset: int) -> date:
    return START + timedelta(days=offset)


def half_day_before(offset: int) -> str:
    return f"{day(offset - 1).isoformat()} 12:00"


def half_day_after(offset: int) -> str:
    return f"{day(offset).isoformat()} 12:00"


def known_history() -> list[DayEntry]:
    """3 weeks at 2 (days 1-3 unlogged), 20 days at 6 (a fall on day 30, balance trouble on days 25 and 35),
    then a week at 2 (day 45 unlogged)."""
    entries = []
    for offset in range(LAST + 1):
        if offset in GAPS:
            continue
        if offset < 21 or offset > 40:
            numbness, pain = 2, 1
        elif offset == PAIN_ABOVE_NUMBNESS_DAY:
            numbness, pain = 4, 6
        else:
            numbness, pain = 6, 3
        entries.append(DayEntry(day(offset), numbness, pain, balance_problems=offset in BALANCE_DAYS,
                                fell=offset == FALL_DAY))
    return entries


def reference_average(entries: list[DayEntry], on: date) -> float | None:
    """The obvious 7-day mean of the day scores, rounded half-up to 2 places; None under 4 days logged."""
    week = [max(e.numbness, e.pain) for e in entries if on - timedelta(days=6) <= e.date <= on]
    if len(week) < 4:
        return None
    return float((Decimal(sum(week)) / Decimal(len(week))).quantize(Decimal("0.01"), ROUND_HALF_UP))


def figure_for(policy: rules.Policy | None = None, threshold=Fraction(4), first: int = 0, **kwargs) -> dict:
    entries = known_history()
    days = rules.trend(entries, day(first), day(LAST), policy)
    return charts.trend_figure(days, threshold, **kwargs)


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t["name"].startswith(name))


def valid_for_plotly(figure: dict) -> None:
    go.Figure(data=figure["data"], layout=figure["layout"])  # raises on anything plotly.js would not accept


def test_traces_are_numbness_pain_average_threshold_fall_and_daily_life_in_that_order():
    figure = figure_for()
    valid_for_plotly(figure)
    assert [t["name"] for t in figure["data"]] == [
        "Numbness", "Pain", "7-day average", "Threshold 4.00", "Fall", "Daily life affected"]
    assert all(t["type"] == "scatter" for t in figure["data"])


def test_numbness_and_pain_are_the_logged_scores_with_gaps_on_unlogged_days():
    figure = figure_for()
    dates = [day(offset).isoformat() for offset in range(LAST + 1)]
    by_day = {e.date: e for e in known_history()}
    for name, attribute in (("Numbness", "numbness"), ("Pain", "pain")):
        line = trace(figure, name)
        assert line["x"] == dates
        assert line["y"] == [getattr(by_day[day(o)], attribute) if day(o) in by_day else None
                             for o in range(LAST + 1)]
        assert line["connectgaps"] is False
    assert [trace(figure, "Numbness")["y"][o] for o in (0, 1, 21, 22, 45, 47)] == [2, None, 6, 4, None, 2]
    assert trace(figure, "Pain")["y"][22] == 6


def test_weekly_average_is_the_two_decimal_mean_and_missing_under_four_days_logged():
    figure = figure_for()
    averages = trace(figure, "7-day average")["y"]
    entries = known_history()
    assert averages == [reference_average(entries, day(o)) for o in range(LAST + 1)]
    # By hand: days 0..5 have 1-3 entries; day 6 has days 0,4,5,6 logged; day 24 is 4 sixes and 3 twos (30/7);
    # day 41 is six sixes and a two (38/7); day 47 is 6 twos (day 45 unlogged).
    assert averages[:6] == [None] * 6
    assert averages[6] == 2.0 and averages[21] == 2.57 and averages[24] == 4.29
    assert averages[41] == 5.43 and averages[43] == 4.29 and averages[44] == 3.71 and averages[47] == 2.0
    assert trace(figure, "7-day average")["mode"] == "lines"


@pytest.mark.parametrize("threshold,shown,label", [(Fraction(4), 4.0, "4.00"), (Decimal("4.50"), 4.5, "4.50"),
                                                   (Decimal("4.25"), 4.25, "4.25")])
def test_threshold_is_a_flat_line_from_the_first_to_the_last_day(threshold, shown, label):
    figure = figure_for(threshold=threshold)
    valid_for_plotly(figure)
    line = trace(figure, "Threshold")
    assert line["name"] == f"Threshold {label}"
    assert line["x"] == [day(0).isoformat(), day(LAST).isoformat()]
    assert line["y"] == [shown, shown]


def test_one_shaded_referral_period_from_the_fourteenth_day_above_threshold():
    # Above threshold from day 24 (30/7) to day 43 (30/7): the 14th such day is day 37.
    figure = figure_for()
    shapes = figure["layout"]["shapes"]
    assert [(s["x0"], s["x1"]) for s in shapes] == [(half_day_before(37), half_day_after(43))]
    assert shapes[0]["type"] == "rect" and shapes[0]["yref"] == "paper" and shapes[0]["showlegend"] is True


def test_referral_shading_starts_on_the_seventh_day_when_the_policy_says_seven():
    figure = figure_for(rules.Policy(persist_days=7))
    valid_for_plotly(figure)
    assert [(s["x0"], s["x1"]) for s in figure["layout"]["shapes"]] == [(half_day_before(30), half_day_after(43))]


def test_a_higher_threshold_shortens_the_streak_and_can_remove_the_referral():
    # Above 5.0 only from day 26 (38/7) to day 41 (38/7): 16 days, the 14th being day 39.
    figure = figure_for(rules.Policy(threshold=Fraction(5)), threshold=Fraction(5))
    assert [(s["x0"], s["x1"]) for s in figure["layout"]["shapes"]] == [(half_day_before(39), half_day_after(41))]
    assert not figure_for(rules.Policy(persist_days=28))["layout"]["shapes"]


def test_a_referral_that_began_before_the_chart_is_shaded_from_the_chart_start():
    figure = figure_for(first=40)
    assert [(s["x0"], s["x1"]) for s in figure["layout"]["shapes"]] == [(half_day_before(40), half_day_after(43))]


def test_referral_periods_split_on_a_day_without_referral():
    def trend_day(offset: int, referral: bool) -> rules.TrendDay:
        return rules.TrendDay(day(offset), None, None, 0, referral)

    days = [trend_day(o, o in {2, 3, 4, 7, 9, 10}) for o in range(12)]
    assert charts.referral_periods(days) == [
        charts.Period(day(2), day(4)), charts.Period(day(7), day(7)), charts.Period(day(9), day(10))]
    figure = charts.trend_figure(days, Fraction(4))
    valid_for_plotly(figure)
    assert [s["showlegend"] for s in figure["layout"]["shapes"]] == [True, False, False]


def test_fall_marker_is_on_the_fall_day():
    fall = trace(figure_for(), "Fall")
    assert fall["mode"] == "markers"
    assert fall["x"] == [day(FALL_DAY).isoformat()]
    assert fall["hovertext"] == ["Fall"]
    assert fall["y"] == [charts.FALL_ROW] and fall["yaxis"] == "y2"


def test_daily_life_markers_are_on_the_balance_days_and_name_the_flag():
    markers = trace(figure_for(), "Daily life affected")
    assert markers["x"] == [day(o).isoformat() for o in sorted(BALANCE_DAYS)]
    assert markers["hovertext"] == ["unsteady or held on to walls", "unsteady or held on to walls"]
    assert markers["y"] == [charts.DAILY_LIFE_ROW] * 2 and markers["yaxis"] == "y2"


def test_flags_have_a_lane_above_the_scores_without_tick_labels_so_they_never_cover_the_10():
    layout = figure_for()["layout"]
    scores, flags = layout["yaxis"], layout["yaxis2"]
    assert scores["domain"][1] < flags["domain"][0], "a gap between the score axis and the flags lane"
    assert flags["showticklabels"] is False
    assert 0 < charts.DAILY_LIFE_ROW < charts.FALL_ROW < flags["range"][1]
    assert scores["tickvals"] == [0, 2, 4, 6, 8, 10] and scores["range"][1] > 10


def test_daily_life_hover_text_lists_every_flag_of_the_day():
    entry = DayEntry(day(0), 3, 3, dropped_objects=True, balance_problems=True, fine_motor_difficulty=True)
    figure = charts.trend_figure(rules.trend([entry], day(0), day(0)), Fraction(4))
    assert trace(figure, "Daily life affected")["hovertext"] == [
        "dropped things, unsteady or held on to walls, trouble with buttons, writing or lids"]


def test_short_history_is_shown_from_its_first_day_and_every_longer_choice_shows_it_whole():
    figure = figure_for(period="all")
    whole = [half_day_before(0), half_day_after(LAST)]
    assert figure["layout"]["xaxis"]["type"] == "date"
    assert figure["layout"]["xaxis"]["range"] == whole
    assert figure["ranges"] == {"4w": [half_day_before(LAST - 27), half_day_after(LAST)], "12w": whole,
                                "1y": whole, "all": whole}
    assert figure["range"] == "all"


@pytest.mark.parametrize(("period", "in_place"), [
    ("4w", ["4w"]), ("12w", ["4w", "12w"]), ("1y", ["4w", "12w", "1y"]), ("all", ["4w", "12w", "1y", "all"])])
def test_the_chart_zooms_in_place_only_to_choices_inside_the_loaded_period(period, in_place):
    # A longer choice than the page loaded has no range: its link loads that period instead.
    assert list(figure_for(period=period)["ranges"]) == in_place
    choices = charts.period_choices(period)
    assert [choice["period"] for choice in choices] == ["4w", "12w", "1y", "all"]
    assert [choice["period"] for choice in choices if choice["current"]] == [period]


def test_an_unknown_period_is_the_default_twelve_weeks():
    assert [charts.chosen_period(value) for value in (None, "", "12W", "2w", "all")] == ["12w", "12w", "12w", "12w",
                                                                                         "all"]


def test_long_history_shows_the_last_84_days_by_default_and_a_phone_four_weeks_with_larger_markers():
    entries = [DayEntry(day(o), 3, 1) for o in range(120)]
    figure = charts.trend_figure(rules.trend(entries, day(0), day(119)), Fraction(4))
    valid_for_plotly(figure)
    assert figure["layout"]["xaxis"]["range"] == [half_day_before(119 - 83), half_day_after(119)]
    assert len(trace(figure, "Numbness")["x"]) == 120  # everything is there to zoom out to
    assert figure["ranges"]["12w"] == figure["layout"]["xaxis"]["range"]
    everything = charts.trend_figure(rules.trend(entries, day(0), day(119)), Fraction(4), period="all")
    assert everything["ranges"]["all"] == everything["layout"]["xaxis"]["range"] == [half_day_before(0),
                                                                                     half_day_after(119)]
    assert figure["phone"]["range"] == "4w"
    assert figure["ranges"]["4w"] == [half_day_before(119 - 27), half_day_after(119)]
    sizes = figure["phone"]["marker_sizes"]
    assert len(sizes) == len(figure["data"])
    for size, line in zip(sizes, figure["data"], strict=True):
        assert size is None or size > line["marker"]["size"]
    short = charts.trend_figure(rules.trend(entries, day(0), day(119)), Fraction(4), period="4w")
    assert short["layout"]["xaxis"]["range"] == [half_day_before(119 - 27), half_day_after(119)]
    assert short["range"] == "4w"


def test_the_chart_has_no_toolbar_nothing_to_drag_and_nothing_that_could_send_the_scores_away():
    for figure in (figure_for(), charts.cycle_overlay_figure([("Cycle 1", [1, 2, None, 3])])):
        config = figure["config"]
        assert config["displayModeBar"] is False and config["showSendToCloud"] is False
        assert config["plotlyServerURL"] == ""
    layout = figure_for()["layout"]
    assert layout["dragmode"] is False and layout["xaxis"]["fixedrange"] is True
    assert "rangeselector" not in layout["xaxis"], "the range buttons are HTML beside the chart"


def test_static_option_sets_static_plot_in_the_config_and_has_no_range_buttons():
    assert figure_for()["config"]["staticPlot"] is False
    static = figure_for(static=True)
    assert static["config"]["staticPlot"] is True
    assert static["config"]["displaylogo"] is False
    assert "ranges" not in static and "phone" not in static, "no range buttons on paper"


def test_chart_rows_are_newest_first_only_days_with_an_entry_or_an_average_and_flag_referral():
    entries = known_history()
    rows = charts.chart_rows(rules.trend(entries, day(0), day(LAST)))
    shown = [o for o in range(LAST, -1, -1) if o not in {1, 2, 3}]  # days 1-3: no entry, no average
    assert [row["date"] for row in rows] == [day(o) for o in shown]
    by_date = {row["date"]: row for row in rows}
    gap = by_date[day(45)]  # unlogged, but its average counts: 2 sixes and 4 twos
    assert (gap["numbness"], gap["pain"], gap["weekly_average"]) == (None, None, Decimal("3.33"))
    assert by_date[day(0)]["weekly_average"] is None and by_date[day(0)]["numbness"] == 2
    assert by_date[day(24)]["weekly_average"] == Decimal("4.29") and by_date[day(24)]["streak_days"] == 1
    assert [o for o in shown if by_date[day(o)]["referral"]] == list(range(43, 36, -1))
    assert by_date[day(37)]["streak_days"] == 14
    assert by_date[day(FALL_DAY)]["fell"] is True and by_date[day(29)]["fell"] is False
    assert by_date[day(25)]["daily_life"] == ["unsteady or held on to walls"] and by_date[day(26)]["daily_life"] == []


def test_chart_rows_hold_every_loaded_day_or_the_last_range_days():
    trend = rules.trend([DayEntry(day(o), 3, 1) for o in range(120)], day(0), day(119))
    assert [row["date"] for row in charts.chart_rows(trend)] == [day(o) for o in range(119, -1, -1)]
    rows = charts.chart_rows(trend, 28)
    assert len(rows) == 28 and rows[0]["date"] == day(119) and rows[-1]["date"] == day(92)


def test_vendored_plotly_js_is_the_small_official_bundle_of_the_version_the_figures_are_checked_against():
    bundle = settings.BASE_DIR / "static" / "vendor" / "plotly" / "plotly-basic.min.js"
    with open(bundle, encoding="utf-8") as handle:
        header = handle.read(500)
    match = re.search(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", header)
    assert match, "the vendored bundle is not plotly.js's basic distribution"
    assert match.group(1) == plotly.offline.get_plotlyjs_version()
    assert bundle.stat().st_size < 1_300_000  # the full bundle is 4.8 MB


def test_chinese_readers_get_plotlys_zh_tw_locale_and_its_script(client, clinic):
    days = rules.trend([], date(2026, 11, 1), date(2026, 11, 2))
    with translation.override("zh-hant"):
        assert charts.trend_figure(days, 4)["config"]["locale"] == "zh-TW"
    with translation.override("en"):
        assert "locale" not in charts.trend_figure(days, 4)["config"]
    EntryFactory(patient=clinic.patient)
    client.force_login(clinic.patient)
    assert "plotly-locale-zh-tw.js" not in client.get("/history/").content.decode()
    clinic.patient.language = "zh-hant"
    clinic.patient.save()
    page = client.get("/history/").content.decode()
    assert page.index("plotly-basic.min.js") < page.index("plotly-locale-zh-tw.js") < page.index("js/charts.js")


def test_the_completion_chart_shows_percentages_leaves_weeks_with_none_expected_empty_and_marks_91():
    weeks = [(day(0), 0.5), (day(7), None), (day(14), 0.9149)]
    figure = charts.completion_figure(weeks)
    valid_for_plotly(figure)
    completion, reference = figure["data"]
    assert completion["y"] == [50.0, None, 91.5] and completion["connectgaps"] is False
    assert reference["y"] == [91, 91, 91] and reference["line"]["dash"] == "dash"
    assert figure["layout"]["xaxis"]["range"] == [(day(0) - timedelta(days=4)).isoformat(),
                                                  (day(14) + timedelta(days=4)).isoformat()]
    assert figure["config"]["displayModeBar"] is False

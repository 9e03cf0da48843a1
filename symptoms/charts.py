"""The trend chart as plotly figure data, and the same numbers as table rows.

Built on the server from the day-by-day trend (`rules.trend`), so the chart
shows exactly what the referral rules saw; `static/js/charts.js` only draws it.
Lines differ by dash and marker as well as colour, so the chart never relies on
colour alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from symptoms.assessments import format_number, two_places, two_places_exact
from symptoms.entry_fields import DAILY_LIFE_FLAGS
from symptoms.rules import TrendDay

# Month names and toolbar in the reader's language; the locale file is in static/vendor/plotly.
PLOTLY_LOCALES = {"zh-hant": "zh-TW"}
DEFAULT_RANGE_DAYS = 84  # twelve weeks
# The chart's one set of choices ("Chart shows: 4 weeks, 12 weeks, 1 year, Everything"), each a period a page
# can load (`?period=`): days back from today, or everything. A choice inside what the page loaded zooms the
# chart in place; a longer one loads its period (the link's own address, which also works without script).
PERIODS = {"4w": 28, "12w": DEFAULT_RANGE_DAYS, "1y": 365, "all": None}
PERIOD_LABELS = {"4w": gettext_lazy("4 weeks"), "12w": gettext_lazy("12 weeks"), "1y": gettext_lazy("1 year"),
                 "all": gettext_lazy("Everything")}
DEFAULT_PERIOD = "12w"


def chosen_period(value: str | None) -> str:
    """The period asked for in the query, or the default one (an unknown value too)."""
    return value if value in PERIODS else DEFAULT_PERIOD


def period_choices(period: str) -> list[dict]:
    """The chart's choices for a page that loaded `period`: each with its label and whether it is shown."""
    return [{"period": choice, "label": str(PERIOD_LABELS[choice]), "current": choice == period}
            for choice in PERIODS]


def _fits(choice: str, loaded: str) -> bool:
    """Whether the page that loaded `loaded` holds every day `choice` shows (so it can zoom to it in place)."""
    days, loaded_days = PERIODS[choice], PERIODS[loaded]
    return loaded_days is None or (days is not None and days <= loaded_days)


def period_start(period: str, today: date) -> date | None:
    """The first day a period loads; None for everything."""
    days = PERIODS[period]
    return None if days is None else today - timedelta(days=days - 1)
# Falls and daily-life markers sit in a lane of their own above the scores (a second y axis without
# tick labels), so they never touch the "10" on the score axis, whatever the text size.
SCORE_DOMAIN, FLAG_DOMAIN = (0, 0.82), (0.87, 1)
FALL_ROW, DAILY_LIFE_ROW = 1.5, 0.5
FLAG_AXIS_TOP = 2
# What a phone shows first: on a narrow screen four weeks keep the days apart, with markers large enough to
# see and touch.
PHONE_PERIOD = "4w"
MARKER_SIZE, PHONE_MARKER_SIZE = 6, 9
FLAG_SIZE, PHONE_FLAG_SIZE = 11, 14
PHONE_DATE_TICKS = 4  # at most, so the dates stay level and apart at page size
COLOURS = {
    "numbness": "#1f5fa8", "pain": "#b35806", "average": "#1b1b1b", "threshold": "#b2182b",
    "referral": "rgba(178, 24, 43, 0.13)", "fall": "#7a0019", "daily_life": "#5e3c99", "dose": "#00545c",
}
# The cycle overlay: older cycles fade back (thinner, dotted, greyer), the newest is bold and solid.
OVERLAY_OLDER, OVERLAY_NEWEST = "#8a8a8a", "#1f5fa8"


@dataclass(frozen=True)
class DoseMark:
    """An administration day on the trend chart, with its label ("Cycle 2 · 80%")."""

    date: date
    label: str


@dataclass(frozen=True)
class Period:
    first: date
    last: date



# No toolbar: its icons were faint, tiny and in the Tab order; the range buttons are HTML beside the chart
# and the table has the numbers. plotly.js's "Share chart" would upload the figure (the patient's scores) to
# Plotly Cloud; with no toolbar and no server URL it cannot even be offered.
READER_CONFIG = {"displayModeBar": False, "showSendToCloud": False, "plotlyServerURL": "", "displaylogo": False,
                 "responsive": True}


def referral_periods(days: list[TrendDay]) -> list[Period]:
    """Runs of consecutive days on which a professional evaluation was recommended."""
    periods: list[Period] = []
    for day in days:
        if not day.referral:
            continue
        if periods and periods[-1].last == day.date - timedelta(days=1):
            periods[-1] = Period(periods[-1].first, day.date)
        else:
            periods.append(Period(day.date, day.date))
    return periods


def daily_life_flags(day: TrendDay) -> list[str]:
    """The everyday tasks the patient said were affected that day, in words."""
    entry = day.entry
    if entry is None:
        return []
    return [str(flag.label) for flag in DAILY_LIFE_FLAGS if getattr(entry, flag.field)]


def trend_figure(days: list[TrendDay], threshold: Decimal | Fraction, *, period: str = DEFAULT_PERIOD,
                 range_days: int | None = None, static: bool = False, doses: Sequence[DoseMark] = ()) -> dict:
    """Daily numbness and pain, the 7-day average, the threshold, shaded referral periods, falls and
    daily-life markers, and dose days as labelled dotted vertical lines; showing the loaded `period` (or the
    last `range_days` days). `ranges` holds the x range of each choice the chart can zoom to in place (those
    inside the loaded period), `range` the one shown, and `phone` what a narrow screen shows instead: four
    weeks, with larger markers."""
    first, last = days[0].date, days[-1].date
    layout = _trend_layout(days, _shown_range(first, last, range_days or _choice_days(period, days)),
                           [dose for dose in doses if first <= dose.date <= last])
    figure: dict[str, Any] = {"data": _trend_traces(days, threshold), "layout": layout,
                              "config": {**READER_CONFIG, "staticPlot": static, **_plotly_locale()}}
    if not static:  # on paper there are no range buttons
        figure["ranges"] = {choice: _shown_range(first, last, _choice_days(choice, days))
                            for choice in PERIODS if _fits(choice, period)}
        figure["range"] = period
        figure["phone"] = {"range": PHONE_PERIOD, "date_ticks": PHONE_DATE_TICKS, "marker_sizes": [
            PHONE_MARKER_SIZE, PHONE_MARKER_SIZE, None, None, PHONE_FLAG_SIZE, PHONE_FLAG_SIZE]}
    return figure


def _trend_layout(days: list[TrendDay], shown: list[str], doses: list[DoseMark]) -> dict[str, Any]:
    # The legend goes under the plot (the bottom of the whole figure, so it never covers the dates) and
    # each axis makes room for its own labels at whatever size charts.js gives the text.
    return {
        "margin": {"l": 56, "r": 16, "t": 16, "b": 16},
        "hovermode": "x unified",
        "hoversubplots": "axis",  # the flags lane shares the hover label with the scores below it
        "dragmode": False,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yref": "container", "yanchor": "bottom"},
        "xaxis": {"type": "date", "range": shown, "fixedrange": True, "automargin": True},
        "yaxis": {"title": {"text": _("Score (0 to 10)")}, "range": [0, 10.4], "fixedrange": True,
                  "tickvals": list(range(0, 11, 2)), "domain": list(SCORE_DOMAIN), "automargin": True},
        "yaxis2": {"range": [0, FLAG_AXIS_TOP], "fixedrange": True, "domain": list(FLAG_DOMAIN),
                   "showticklabels": False, "showgrid": False, "zeroline": False},
        "shapes": [*(_shaded(period, index == 0) for index, period in enumerate(referral_periods(days))),
                   *(_dose_line(dose) for dose in doses)],
        "annotations": [_dose_label(dose) for dose in doses],
    }


def _trend_traces(days: list[TrendDay], threshold: Decimal | Fraction) -> list[dict]:
    dates = [day.date.isoformat() for day in days]
    first, last = days[0].date, days[-1].date
    return [
        _line(_("Numbness"), dates, [d.entry.numbness if d.entry else None for d in days], "numbness",
              dash="solid", symbol="circle"),
        _line(_("Pain"), dates, [d.entry.pain if d.entry else None for d in days], "pain",
              dash="dot", symbol="square"),
        {**_line(_("7-day average"), dates, [_number(d.weekly_average) for d in days], "average",
                 dash="solid", symbol="diamond"), "mode": "lines", "line": {"color": COLOURS["average"], "width": 4}},
        {"type": "scatter", "mode": "lines", "name": _("Threshold %(value)s") % {"value": format_number(threshold)},
         "x": [first.isoformat(), last.isoformat()], "y": [_number(threshold)] * 2, "hoverinfo": "skip",
         "line": {"color": COLOURS["threshold"], "dash": "dash", "width": 2}},
        _markers(_("Fall"), [d for d in days if d.entry and d.entry.fell], FALL_ROW, "fall", "x", _("Fall")),
        _markers(_("Daily life affected"), [d for d in days if daily_life_flags(d)], DAILY_LIFE_ROW,
                 "daily_life", "triangle-up", None),
    ]


def _choice_days(choice: str, days: list[TrendDay]) -> int:
    return PERIODS[choice] or len(days)


def _shown_range(first: date, last: date, range_days: int) -> list[str]:
    """The last `range_days` days up to `last`, never before `first`, each day shown whole."""
    shown_from = max(first, last - timedelta(days=range_days - 1))
    return [_half_day_before(shown_from), _half_day_after(last)]


def _plotly_locale() -> dict:
    locale = PLOTLY_LOCALES.get(get_language())
    return {} if locale is None else {"locale": locale}


def _number(value: Fraction | Decimal | None) -> float | None:
    if value is None:
        return None
    return float(two_places_exact(Fraction(value)))


def _half_day_before(day: date) -> str:
    """Noon of the day before: the first point, or shaded day, is not cut in half."""
    return f"{(day - timedelta(days=1)).isoformat()} 12:00"


def _half_day_after(day: date) -> str:
    return f"{day.isoformat()} 12:00"


def _line(name: str, dates: list[str], values: list, colour: str, *, dash: str, symbol: str) -> dict:
    return {"type": "scatter", "mode": "lines+markers", "name": name, "x": dates, "y": values,
            "connectgaps": False, "line": {"color": COLOURS[colour], "dash": dash, "width": 2},
            "marker": {"color": COLOURS[colour], "symbol": symbol, "size": MARKER_SIZE}}


def _markers(name: str, days: list[TrendDay], row: float, colour: str, symbol: str, label: str | None) -> dict:
    return {"type": "scatter", "mode": "markers", "name": name, "x": [d.date.isoformat() for d in days],
            "y": [row] * len(days), "hovertext": [label or ", ".join(daily_life_flags(d)) for d in days],
            "hoverinfo": "x+text", "yaxis": "y2", "cliponaxis": False,
            "marker": {"color": COLOURS[colour], "symbol": symbol, "size": FLAG_SIZE}}


def _shaded(period: Period, in_legend: bool) -> dict:
    return {"type": "rect", "xref": "x", "yref": "paper", "x0": _half_day_before(period.first),
            "x1": _half_day_after(period.last), "y0": 0, "y1": 1, "fillcolor": COLOURS["referral"],
            "line": {"width": 0}, "layer": "below", "name": _("Evaluation recommended"),
            "showlegend": in_legend}


def _dose_line(dose: DoseMark) -> dict:
    return {"type": "line", "xref": "x", "yref": "paper", "x0": dose.date.isoformat(), "x1": dose.date.isoformat(),
            "y0": 0, "y1": 1, "line": {"color": COLOURS["dose"], "width": 2, "dash": "dot"}, "layer": "above"}


def _dose_label(dose: DoseMark) -> dict:
    return {"x": dose.date.isoformat(), "xref": "x", "y": 1, "yref": "paper", "text": dose.label,
            "showarrow": False, "xanchor": "left", "yanchor": "top", "textangle": -90,
            "font": {"color": COLOURS["dose"]}}


def cycle_overlay_figure(lines: Sequence[tuple[str, Sequence[int | None]]], *, static: bool = False) -> dict:
    """The day score by day of cycle, one line per cycle (`lines`: its label and its day scores from
    day 1), so a course's cycles can be laid over each other; the newest bold and solid, older ones
    thin and dotted, so cumulative worsening shows without relying on colour."""
    data = []
    for index, (label, scores) in enumerate(lines):
        newest = index == len(lines) - 1
        colour = OVERLAY_NEWEST if newest else OVERLAY_OLDER
        data.append({"type": "scatter", "mode": "lines+markers", "name": label,
                     "x": list(range(1, len(scores) + 1)), "y": list(scores), "connectgaps": False,
                     "line": {"color": colour, "width": 4 if newest else 1.5, "dash": "solid" if newest else "dot"},
                     "marker": {"color": colour, "size": 7 if newest else 4,
                                "symbol": "circle" if newest else "circle-open"}})
    longest = max((len(scores) for _label, scores in lines), default=1)
    layout = {"margin": {"l": 48, "r": 16, "t": 24, "b": 48}, "hovermode": "x unified",
              "legend": {"orientation": "h", "y": -0.25},
              "xaxis": {"title": {"text": _("Day of cycle")}, "range": [0.5, longest + 0.5], "dtick": 7 if longest > 14
                        else 1, "tick0": 1},
              "yaxis": {"title": {"text": _("Day score (0 to 10)")}, "range": [0, 10.5], "fixedrange": True,
                        "tickvals": list(range(0, 11, 2))}}
    config = {**READER_CONFIG, "staticPlot": static, **_plotly_locale()}
    return {"data": data, "layout": layout, "config": config}


def chart_rows(days: list[TrendDay], range_days: int | None = None) -> list[dict]:
    """The chart's numbers (every loaded day, or the last `range_days`), newest first, for the table beside it."""
    recent = days[-range_days:] if range_days else days
    return [
        {"date": day.date, "numbness": day.entry.numbness if day.entry else None,
         "pain": day.entry.pain if day.entry else None, "weekly_average": two_places(day.weekly_average),
         "streak_days": day.streak_days, "referral": day.referral, "fell": bool(day.entry and day.entry.fell),
         "daily_life": daily_life_flags(day)}
        for day in reversed(recent) if day.entry or day.weekly_average is not None
    ]


# PRO-TECT's share of expected weekly reports, drawn as a reference line on the completion trend.
PRO_TECT_COMPLETION = 91


def completion_figure(weeks: Sequence[tuple[date, float | None]]) -> dict:
    """Completion week by week (`weeks`: each week's first day and its logged ÷ expected days, or None with
    none expected) as percentages, with PRO-TECT's 91% as a dashed reference line."""
    x = [first.isoformat() for first, _rate in weeks]
    y = [None if completion is None else round(completion * 100, 1) for _first, completion in weeks]
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": _("Completion"), "x": x, "y": y, "connectgaps": False,
         "line": {"color": COLOURS["numbness"], "width": 3}, "marker": {"color": COLOURS["numbness"], "size": 8},
         "hovertemplate": "%{y:.1f}%<extra></extra>"},
        {"type": "scatter", "mode": "lines", "name": _("PRO-TECT reached 91%"), "x": x,
         "y": [PRO_TECT_COMPLETION] * len(x), "hoverinfo": "skip",
         "line": {"color": COLOURS["threshold"], "width": 2, "dash": "dash"}},
    ]
    layout = {"margin": {"l": 56, "r": 16, "t": 16, "b": 16}, "hovermode": "x unified", "dragmode": False,
              "legend": {"orientation": "h", "y": -0.3},
              # Each week's point on its first day, with half a week to spare either side.
              "xaxis": {"type": "date", "fixedrange": True, "automargin": True,
                        "range": [(weeks[0][0] - timedelta(days=4)).isoformat(),
                                  (weeks[-1][0] + timedelta(days=4)).isoformat()] if weeks else None},
              "yaxis": {"title": {"text": _("Completion (%)")}, "range": [0, 105],
                        "fixedrange": True, "tickvals": list(range(0, 101, 20)), "automargin": True}}
    return {"data": data, "layout": layout, "config": {**READER_CONFIG, "staticPlot": False, **_plotly_locale()}}

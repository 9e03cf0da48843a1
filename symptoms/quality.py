"""Quality of care read from the database: for a clinician their own patients, for an admin the whole clinic
and each clinician (PRODUCT.md, "Quality of care"; the arithmetic is in `quality_figures`).

The database does the counting, grouped, in a fixed number of statements whatever the number of patients:
each patient's period is their own zone's (a CASE over the few zones the patients live in), and what comes
back is counts per (zone, day) and per (zone, first expected day), per clinician for the admin's table, the
waits of acknowledged alerts, and, for a clinician, one row per own patient for the table of who is slipping.
"""

import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User, display_name, local_today
from symptoms.models import Alert, SymptomEntry
from symptoms.quality_figures import (
    NOT_REPORTING_DAYS,
    WEEKS_DEFAULT,
    WEEKS_MAX,
    WEEKS_MIN,
    AlertCounts,
    ExpectedGroup,
    Figures,
    LoggedGroup,
    Period,
    Week,
    expected_days,
    figures,
    share,
)

ACK_24H, ACK_72H = timedelta(hours=24), timedelta(hours=72)
WEEKS_VALUES = tuple(str(weeks) for weeks in range(WEEKS_MIN, WEEKS_MAX + 1))  # as written: "4", never "04"
WEEKS_MESSAGE = _("Give a whole number of weeks from %(min)s to %(max)s.")
CLINICIAN = "care_team_memberships__clinician"


@dataclass(frozen=True)
class PatientCompletion:
    """One own patient's reporting in the period, for the clinician to call the ones slipping."""

    pk: int
    username: str
    name: str
    expected_days: int
    logged_days: int
    days_since_last_entry: int | None

    @property
    def completion_rate(self) -> float | None:
        return share(self.logged_days, self.expected_days)


@dataclass(frozen=True)
class ClinicianFigures:
    pk: int
    name: str
    figures: Figures


@dataclass(frozen=True)
class Quality:
    weeks: int
    period: Period  # in the clinic's zone, for the page's headings
    figures: Figures
    clinicians: list[ClinicianFigures] | None  # an admin's: each clinician's patients
    patients: list[PatientCompletion] | None  # a clinician's: each own patient

    @property
    def trend(self) -> list[tuple[Period, Week]]:
        """Completion week by week, oldest first, each with its days in the clinic's zone."""
        return [(self.period.week(week.index), week) for week in self.figures.weeks]


def chosen_weeks(value: str | None) -> int:
    """`?weeks=`: a whole number from 1 to 52, or the default 4 when left out; anything else (empty too) is a
    ValidationError naming `weeks`."""
    if value is None:
        return WEEKS_DEFAULT
    if value not in WEEKS_VALUES:
        raise ValidationError({"weeks": [str(WEEKS_MESSAGE) % {"min": WEEKS_MIN, "max": WEEKS_MAX}]})
    return int(value)


def may_see_quality(user: User) -> bool:
    return user.is_authenticated and (user.is_clinician or user.is_clinic_admin)


def scope_of(user: User) -> QuerySet[User]:
    """Whose figures the user may see: a clinician their own patients, an admin every patient."""
    if user.is_clinician:
        return user.patients.filter(is_active=True)
    if user.is_clinic_admin:
        return User.objects.filter(role=Role.PATIENT, is_active=True)
    return User.objects.none()


def quality_for(user: User, weeks: int, now: datetime | None = None, *, patients: bool = True) -> Quality:
    """The figures for `user` (a clinician or an admin) over the last `weeks` weeks ending yesterday, with
    each own patient's completion for a clinician unless `patients` is False."""
    now = now or timezone.now()
    scope = scope_of(user)
    zones = _Zones(sorted(scope.order_by().values_list("time_zone", flat=True).distinct()), weeks, now)
    is_clinician = user.is_clinician
    clinic_today = local_today(timezone.get_default_timezone_name(), now)
    clinicians = None
    if not is_clinician:
        names = {pk: display_name(first, last, username) for pk, first, last, username in User.objects.filter(
            role=Role.CLINICIAN, is_active=True).values_list("pk", "first_name", "last_name", "username")}
        by_clinician = _grouped(scope, zones, weeks, by_clinician=True)
        clinicians = [ClinicianFigures(pk, names[pk], by_clinician.get(pk) or _grouped_empty(weeks))
                      for pk in sorted(names, key=lambda pk: names[pk].casefold())]
    return Quality(weeks=weeks, period=Period.ending_before(clinic_today, weeks),
                   figures=_grouped(scope, zones, weeks, by_clinician=False)[None],
                   clinicians=clinicians,
                   patients=_patient_rows(scope, zones) if is_clinician and patients else None)


class _Zones:
    """Each zone's period (as days, and as the instants its days start and end) and today."""

    def __init__(self, names: list[str], weeks: int, now: datetime):
        self.names, self.weeks, self.now = names, weeks, now
        self.today = {name: local_today(name, now) for name in names}
        self.period = {name: Period.ending_before(self.today[name], weeks) for name in names}
        # Every zone's period lies within these days: plain bounds the (patient, date) index can use.
        self.earliest = min((period.first for period in self.period.values()), default=now.date())
        self.latest = max((period.last for period in self.period.values()), default=now.date())

    def period_of(self, name: str) -> Period:
        """A zone's period, also for a patient who moved to a zone after the zones were read."""
        return self.period.get(name) or Period.ending_before(local_today(name, self.now), self.weeks)

    def today_in(self, name: str) -> date:
        return self.today.get(name) or local_today(name, self.now)

    def case(self, field: str, values: Mapping[str, object], output_field: Field) -> Case:
        return Case(*[When(**{field: name}, then=Value(value, output_field=output_field))
                      for name, value in values.items()], default=None, output_field=output_field)

    def first_day(self, field: str) -> Case:
        return self.case(field, {name: period.first for name, period in self.period.items()}, DateField())

    def last_day(self, field: str) -> Case:
        return self.case(field, {name: period.last for name, period in self.period.items()}, DateField())

    def starts(self, field: str, day_of: Callable[[Period, date], date]) -> Case:
        """The instant (aware) the day `day_of(period, today)` starts in each zone."""
        return self.case(field, {name: datetime.combine(day_of(self.period[name], self.today[name]), time(),
                                                        tzinfo=zoneinfo.ZoneInfo(name)) for name in self.names},
                         DateTimeField())

    def joined_day(self) -> Case:
        return Case(*[When(time_zone=name, then=TruncDate("date_joined", tzinfo=zoneinfo.ZoneInfo(name)))
                      for name in self.names], default=None, output_field=DateField())


def _with_expected_from(scope: QuerySet[User], zones: _Zones) -> QuerySet[User]:
    first_entry = SymptomEntry.objects.filter(patient=OuterRef("pk")).order_by("date").values("date")[:1]
    return scope.annotate(
        period_first=zones.first_day("time_zone"), period_last=zones.last_day("time_zone"),
        expected_from=Greatest("period_first", Coalesce(Subquery(first_entry), zones.joined_day())),
    )


def _grouped(scope: QuerySet[User], zones: _Zones, weeks: int, *, by_clinician: bool) -> dict[int | None, Figures]:
    """The figures of the scope's patients (key None), or of each clinician's among them (key: clinician)."""
    key = [CLINICIAN] if by_clinician else []
    expected: dict[int | None, list[ExpectedGroup]] = defaultdict(list)
    with_expected = _with_expected_from(scope, zones)
    rows = (with_expected.filter(Q(expected_from__lte=F("period_last")))
            .values("time_zone", "expected_from", *key).annotate(patients=Count("pk", distinct=True)).order_by())
    for row in rows:
        expected[row.get(CLINICIAN)].append(ExpectedGroup(zones.period_of(row["time_zone"]), row["expected_from"],
                                                          row["patients"]))
    logged: dict[int | None, list[LoggedGroup]] = defaultdict(list)
    entries = (SymptomEntry.objects.filter(patient__in=scope, date__gte=zones.earliest, date__lte=zones.latest)
               .annotate(period_first=zones.first_day("patient__time_zone"),
                         period_last=zones.last_day("patient__time_zone"))
               .filter(date__gte=F("period_first"), date__lte=F("period_last"))
               .values("patient__time_zone", "date", *(f"patient__{CLINICIAN}" for _ in key))
               .annotate(entries=Count("pk")).order_by())
    for row in entries:
        logged[row.get(f"patient__{CLINICIAN}")].append(LoggedGroup(zones.period_of(row["patient__time_zone"]),
                                                                    row["date"], row["entries"]))
    alerts = _alert_counts(scope, zones, key)
    quiet = _not_reporting(scope, zones, key)
    groups = set(expected) | set(logged) | set(alerts) | set(quiet) | ({None} if not by_clinician else set())
    return {group: figures(weeks, expected.get(group, []), logged.get(group, []),
                           alerts.get(group, AlertCounts(0, 0, 0, [])), quiet.get(group, 0)) for group in groups}


def _grouped_empty(weeks: int) -> Figures:
    return figures(weeks, [], [], AlertCounts(0, 0, 0, []), 0)


def _alert_counts(scope: QuerySet[User], zones: _Zones, key: list[str]) -> dict[int | None, AlertCounts]:
    """Alerts opened in each patient's period: counted, and the waits of those acknowledged."""
    # A day early and late: the instants every zone's period starts and ends lie between these.
    bounds = (datetime.combine(zones.earliest - timedelta(days=1), time(), tzinfo=zoneinfo.ZoneInfo("UTC")),
              datetime.combine(zones.latest + timedelta(days=2), time(), tzinfo=zoneinfo.ZoneInfo("UTC")))
    in_period = (Alert.objects.filter(patient__in=scope, opened_at__gte=bounds[0], opened_at__lt=bounds[1])
                 .annotate(period_from=zones.starts("patient__time_zone", lambda period, today: period.first),
                           period_to=zones.starts("patient__time_zone", lambda period, today: today))
                 .filter(opened_at__gte=F("period_from"), opened_at__lt=F("period_to")))
    group_by = [f"patient__{name}" for name in key]
    counts = _counts(in_period, group_by, opened=Count("pk", distinct=True),
                     within_24h=Count("pk", distinct=True, filter=Q(acknowledged_at__lte=F("opened_at") + ACK_24H)),
                     within_72h=Count("pk", distinct=True, filter=Q(acknowledged_at__lte=F("opened_at") + ACK_72H)))
    waits: dict[int | None, list[timedelta]] = defaultdict(list)
    for *group, wait in (in_period.filter(acknowledged_at__isnull=False)
                         .annotate(wait=ExpressionWrapper(F("acknowledged_at") - F("opened_at"),
                                                          output_field=DurationField()))
                         .values_list(*group_by, "wait").order_by("wait")):
        waits[group[0] if group else None].append(wait)
    return {group: AlertCounts(row["opened"], row["within_24h"], row["within_72h"], waits[group])
            for group, row in counts.items()}


def _counts(rows: QuerySet, group_by: list[str], **aggregates: Aggregate) -> dict[int | None, dict]:
    """The aggregates over `rows`, per value of the one `group_by` field, or over all of them (key None)."""
    if not group_by:
        return {None: rows.aggregate(**aggregates)}
    return {row[group_by[0]]: row for row in rows.values(*group_by).annotate(**aggregates).order_by()}


def _not_reporting(scope: QuerySet[User], zones: _Zones, key: list[str]) -> dict[int | None, int]:
    """Patients with no entry on their today or the two days before (or none ever)."""
    last_entry = SymptomEntry.objects.filter(patient=OuterRef("pk")).order_by("-date").values("date")[:1]
    cutoff = zones.case("time_zone", {name: today - timedelta(days=NOT_REPORTING_DAYS)
                                      for name, today in zones.today.items()}, DateField())
    quiet = (scope.annotate(last_entry=Subquery(last_entry), cutoff=cutoff)
             .filter(Q(last_entry__isnull=True) | Q(last_entry__lte=F("cutoff"))))
    return {group: row["patients"] for group, row in _counts(quiet, key, patients=Count("pk", distinct=True)).items()}


def _patient_rows(scope: QuerySet[User], zones: _Zones) -> list[PatientCompletion]:
    """Each patient's expected and logged days and days since their last entry; least complete first."""
    in_period = SymptomEntry.objects.filter(patient=OuterRef("pk"), date__gte=OuterRef("expected_from"),
                                            date__lte=OuterRef("period_last"))
    last_entry = SymptomEntry.objects.filter(patient=OuterRef("pk")).order_by("-date").values("date")[:1]
    rows = (_with_expected_from(scope, zones)
            .annotate(logged=Coalesce(Subquery(in_period.values("patient").annotate(n=Count("pk")).values("n")),
                                      Value(0)),
                      last_entry=Subquery(last_entry))
            .values_list("pk", "first_name", "last_name", "username", "time_zone", "expected_from", "logged",
                         "last_entry"))
    patients = [_completion(zones, *row) for row in rows]
    return sorted(patients, key=lambda p: (p.completion_rate is None, p.completion_rate or 0, p.name.casefold()))


def _completion(zones: _Zones, pk: int, first: str, last: str, username: str, zone: str, expected_from: date | None,
                logged: int, last_entry: date | None) -> PatientCompletion:
    return PatientCompletion(pk=pk, username=username, name=display_name(first, last, username),
                             expected_days=expected_days(zones.period_of(zone), expected_from) if expected_from
                             else 0, logged_days=logged,
                             days_since_last_entry=(zones.today_in(zone) - last_entry).days if last_entry else None)


def alerts_waiting(clinician: User, longer_than: timedelta, now: datetime | None = None) -> int:
    """The clinician's patients' alerts still open and unacknowledged `longer_than` after they were opened."""
    since = (now or timezone.now()) - longer_than
    return Alert.objects.filter(patient__in=scope_of(clinician), acknowledged_at__isnull=True,
                                resolved_at__isnull=True, opened_at__lte=since).count()

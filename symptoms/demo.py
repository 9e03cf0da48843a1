"""The demo clinic: an admin, two clinicians and thirteen patients whose diaries
tell the stories the referral rules must recognise, most of them on treatment
whose cycles show every case a clinician meets before the next dose.

The story generators are pure: given a demo patient and their local "today"
they return plain values for each logged day, drawn from a generator seeded
with the patient's username, so the same day always gives the same diary.
`seed_demo_clinic` writes them in one transaction, and only once.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import ClinicContact, Role, User
from accounts.services import create_account
from symptoms import evaluation
from symptoms.entry_fields import SCORE_MAX, SCORE_MIN
from symptoms.models import Alert, AlertKind, SymptomEntry
from treatment.models import Administration, ClinicianGrade
from treatment.models import Course as TreatmentCourse

DEMO_ADMIN = "admin"
DEMO_PASSWORDS = {Role.ADMIN: "demo-admin", Role.CLINICIAN: "demo-clinician", Role.PATIENT: "demo-patient"}
DIARY_DAYS = 120
FUNCTIONAL_FLAGS = ("dropped_objects", "balance_problems", "fine_motor_difficulty", "fell")

# A typical course: the expected day score (worse of numbness and pain) a number of days before today.
Course = Callable[[int], float]


def steady(score: float) -> Course:
    """Symptoms that stay at about the same level."""
    return lambda days_ago: score


def line(oldest: float, newest: float, first: int = DIARY_DAYS - 1, last: int = 0) -> Course:
    """Symptoms changing steadily from `oldest` (`first` days ago) to `newest` (`last` days ago)."""
    def level(days_ago: int) -> float:
        share = (min(max(days_ago, last), first) - last) / (first - last)
        return newest + (oldest - newest) * share
    return level


def phases(courses: Mapping[int, Course]) -> Course:
    """Different courses for different stretches: each applies up to its key (days ago);
    the one with the largest key also covers everything before it."""
    def level(days_ago: int) -> float:
        for until, course in sorted(courses.items()):
            if days_ago <= until:
                return course(days_ago)
        return courses[max(courses)](days_ago)
    return level


@dataclass(frozen=True)
class Story:
    """How one patient's symptoms and logging habits run over their diary (day 0 is their today)."""

    key: str
    summary: str
    status: str  # what the referral rules should conclude today, at the default policy
    course: Course
    urgent: tuple[str, ...] = ()
    logging: str = "regular"  # regular | daily | sparse
    diary_days: int = DIARY_DAYS
    silent_days: int = 0  # days without any entry before today (stopped logging)
    ceiling: int = SCORE_MAX
    pain_led: bool = False
    places: tuple[str, ...] = ("hands", "feet")
    fixed_scores: Mapping[int, int] = field(default_factory=dict)
    always_logged: frozenset[int] = frozenset()
    today_open: bool = False  # leave today unlogged, so a demo visitor meets the empty form
    flags: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    event_notes: Mapping[int, tuple[str, str]] = field(default_factory=dict)  # (English, Traditional Chinese)

    @property
    def description(self) -> str:
        """The story in one line, led by the status and urgent signals it should produce today."""
        open_today = " Today is not logged yet: try logging it." if self.today_open else ""
        return f"[{' + '.join((self.status, *self.urgent))}] {self.summary}{open_today}"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: str
    description: str = ""
    time_zone: str = "Europe/London"
    language: str = "en"
    care_team: tuple[str, ...] = ()
    story: Story | None = None

    @property
    def password(self) -> str:
        return DEMO_PASSWORDS[self.role]


@dataclass(frozen=True)
class DemoDay:
    """One day's entry, as plain values matching SymptomEntry's columns."""

    date: date
    numbness: int
    pain: int
    hands: bool
    feet: bool
    dropped_objects: bool
    balance_problems: bool
    fine_motor_difficulty: bool
    sleep_disturbed: bool
    fell: bool
    cold_sensitivity: bool
    notes: str

    @property
    def day_score(self) -> int:
        return max(self.numbness, self.pain)


# Day scores repeating every 7 days: any week sums to 31, a 7-day average of 4.43.
HOVER = (4, 5, 4, 5, 4, 5, 4)
HOVER_DAYS = 22
DIP_DAYS_AGO = 10  # HOVER[10 % 7] is a 5: a 2 there leaves each week containing it at exactly 28/7 = 4.0

IMPROVING = Story(
    "improving", "Steadily improving since treatment ended: from about 7/10 four months ago to about 1/10 now.",
    "ok", line(7.0, 1.0), today_open=True,
    event_notes={40: ("Buttons are easier this week.", "這週扣扣子比較容易了。")},
)
WORSENING = Story(
    "worsening", "Was steady around 3/10, then rose sharply this week after a new chemo cycle (about 6/10).",
    "watch", phases({6: line(5.0, 7.0, first=6), DIARY_DAYS: steady(3)}), urgent=("worsening",),
    ceiling=7, always_logged=frozenset(range(14)),
    event_notes={6: ("Chemo cycle this week; fingertips tingling much more.", "這週做化療，指尖刺麻明顯變多。")},
)
PERSISTENT = Story(
    "persistently_high", "7-day average about 5/10 for five weeks: above 4.0 for well over two weeks.",
    "refer", phases({34: steady(5), DIARY_DAYS: line(2.0, 4.0, last=35)}), ceiling=7,
)
PERSISTENT_SEVERE = Story(
    "persistently_above_5", "Burning feet, 7-day average about 6/10 for six weeks: above even a 5.0 threshold.",
    "refer", phases({44: steady(6), DIARY_DAYS: line(3.0, 5.0, last=45)}), ceiling=7, pain_led=True,
)
BORDERLINE = Story(
    "borderline", "Hovers at 4–5/10 (average 4.4); a good day 10 days ago held the average at exactly 4.0, "
    "restarting the streak.",
    "watch", steady(2), logging="daily",
    fixed_scores={**{n: HOVER[n % 7] for n in range(HOVER_DAYS)}, DIP_DAYS_AGO: 2},
    event_notes={DIP_DAYS_AGO: ("Good day, rested and kept warm.", "今天狀況不錯，有休息也有保暖。")},
)
FUNCTIONAL = Story(
    "functional_impact", "Moderate scores (about 3/10) but dropping things and struggling with buttons "
    "on 4 of the last 7 days.",
    "watch", steady(3), ceiling=5, always_logged=frozenset(range(7)),
    flags={0: ("fine_motor_difficulty",), 2: ("dropped_objects", "fine_motor_difficulty"),
           3: ("fine_motor_difficulty",), 5: ("dropped_objects",)},
    event_notes={2: ("Dropped a cup and could not do up my shirt buttons.", "打破了杯子，襯衫扣子也扣不起來。")},
)
FALLS = Story(
    "fall", "Numb feet (about 3/10), unsteady on most days this week and had a fall 2 days ago.",
    "watch", steady(3), urgent=("fall",), ceiling=5, places=("feet",), always_logged=frozenset(range(7)),
    flags={0: ("balance_problems",), 1: ("balance_problems",), 2: ("balance_problems", "fell"),
           4: ("balance_problems",)},
    event_notes={2: ("Lost my balance on the stairs and fell. Bruised hip, did not hit my head.",
                     "下樓梯時失去平衡跌倒，髖部瘀青，沒有撞到頭。")},
)
SEVERE = Story(
    "severe_score", "Usually about 3/10; today a 9/10 flare of burning pain in the feet, dropping things.",
    "watch", steady(3), urgent=("severe_score",), pain_led=True, always_logged=frozenset(range(14)),
    fixed_scores={0: 9, 1: 4},
    flags={0: ("dropped_objects", "fine_motor_difficulty", "sleep_disturbed"), 1: ("fine_motor_difficulty",),
           3: ("dropped_objects",)},
    event_notes={0: ("Burning pain in both feet since last night, worst it has been. Hardly slept.",
                     "從昨晚開始雙腳灼熱刺痛，是最嚴重的一次，幾乎沒睡。")},
)
SPARSE = Story(
    "sparse", "Logs only 1–3 days a week (about 3/10): too few entries for a weekly average.",
    "insufficient_data", steady(3), logging="sparse",
)
STOPPED = Story(
    "stopped", "Logged most days (about 3/10) until 5 days ago, then stopped: not reporting.",
    "insufficient_data", steady(3), silent_days=5, always_logged=frozenset({5}),
)
RECOVERED = Story(
    "recovered", "Recovered: finished treatment months ago; now mostly 0–2/10, some days nothing at all.",
    "ok", phases({79: steady(1), DIARY_DAYS: line(4.0, 1.0, last=80)}), today_open=True,
)
# mFOLFOX6: oxaliplatin every 14 days. Cold-triggered tingling for a few days after each dose, settled
# well before the next one. Dose days (days ago) are shared with its treatment plan below.
FOLFOX_DOSES = (53, 39, 25, 11)


def after_each_dose(days_ago: int) -> float:
    """Worst in the first days after an oxaliplatin dose, settled by the second week."""
    since = [dose - days_ago for dose in FOLFOX_DOSES if dose >= days_ago]
    if not since:
        return 1
    days_after = min(since)
    return 6 if days_after <= 2 else 4 if days_after <= 4 else 2 if days_after <= 6 else 1


COLD_TRIGGERED = Story(
    "cold_triggered", "mFOLFOX6 (oxaliplatin every 14 days): cold-triggered tingling for a few days after each "
    "dose, settled well before the next; next dose in 3 days.",
    "ok", after_each_dose, diary_days=60, ceiling=6, places=("hands",),
    event_notes={10: ("Cold drink after the infusion made my fingers and throat tingle.",
                      "輸液後喝冷飲，手指和喉嚨都刺麻。")},
)
NEW = Story(
    "new", "Newly enrolled 10 days ago; mild symptoms (about 2/10).",
    "ok", steady(2), diary_days=10,
)


def _patient(username: str, first: str, last: str, story: Story, care_team: tuple[str, ...],
             time_zone: str = "Europe/London", language: str = "en") -> DemoPerson:
    return DemoPerson(username, first, last, Role.PATIENT, story.description, time_zone, language, care_team, story)


NURSE, DOCTOR = "nurse.chen", "dr.okafor"
DEMO_STAFF = (
    DemoPerson(DEMO_ADMIN, "Priya", "Shah", Role.ADMIN, "Clinic admin: articles, accounts, referral threshold."),
    DemoPerson(NURSE, "Grace", "Chen", Role.CLINICIAN, "Oncology nurse."),
    DemoPerson(DOCTOR, "Daniel", "Okafor", Role.CLINICIAN, "Physiatrist."),
)
TAIPEI = {"time_zone": "Asia/Taipei", "language": "zh-hant"}
DEMO_PATIENTS = (
    _patient("margaret.hughes", "Margaret", "Hughes", IMPROVING, (NURSE,)),
    _patient("david.miller", "David", "Miller", WORSENING, (NURSE, DOCTOR), "America/New_York"),
    # Chinese names are written whole, family name first, as the patients write them.
    _patient("lin.meiling", "林美玲", "", PERSISTENT, (NURSE, DOCTOR), **TAIPEI),
    _patient("robert.evans", "Robert", "Evans", PERSISTENT_SEVERE, (DOCTOR,)),
    _patient("patricia.johnson", "Patricia", "Johnson", BORDERLINE, (DOCTOR,), "America/Chicago"),
    _patient("huang.chihming", "黃志明", "", FUNCTIONAL, (NURSE,), **TAIPEI),
    _patient("eleanor.price", "Eleanor", "Price", FALLS, (NURSE, DOCTOR)),
    _patient("sean.murphy", "Sean", "Murphy", SEVERE, (DOCTOR,), "America/New_York"),
    _patient("wang.shufen", "王淑芬", "", SPARSE, (NURSE,), **TAIPEI),
    _patient("thomas.wright", "Thomas", "Wright", STOPPED, (DOCTOR,), "Australia/Sydney"),
    _patient("susan.clarke", "Susan", "Clarke", RECOVERED, (NURSE,)),
    _patient("aisha.khan", "Aisha", "Khan", NEW, (DOCTOR,), "America/Los_Angeles"),
    _patient("george.baker", "George", "Baker", COLD_TRIGGERED, (NURSE, DOCTOR)),
)


@dataclass(frozen=True)
class DemoCourse:
    """A demo patient's treatment, in days relative to their today (negative: past; positive: planned)."""

    agent: str
    regimen: str
    cycle_length_days: int
    doses: tuple[tuple[int, int], ...]  # (day, dose %)
    ended_on: int | None = None
    grades: tuple[tuple[int, int, str], ...] = ()  # (day, CTCAE grade, recorded by)
    note: str = ""


def _every(days: int, first: int, last: int, dose: int = 100) -> tuple[tuple[int, int], ...]:
    return tuple((day, dose) for day in range(first, last + 1, days))


# Every treatment case at once: cumulative worsening on weekly paclitaxel; cold-triggered symptoms on mFOLFOX6
# that settle before each dose; a dose in 2 days that needs review; a dose reduced to 80% after a grade 2;
# a course that ended, recovering; the patient's estimate and the clinician's grade disagreeing.
DEMO_TREATMENT = {
    "lin.meiling": DemoCourse("paclitaxel", "weekly", 7, _every(7, -87, -3) + ((4, 100),),
                              grades=((-31, 1, DOCTOR), (-10, 2, DOCTOR))),
    "george.baker": DemoCourse("oxaliplatin", "mFOLFOX6", 14, tuple((-day, 100) for day in FOLFOX_DOSES) + ((3, 100),),
                               grades=((-12, 1, NURSE),)),
    "huang.chihming": DemoCourse("docetaxel", "", 21, ((-40, 100), (-19, 100), (2, 100)),
                                 grades=((-20, 1, NURSE),)),
    "robert.evans": DemoCourse("docetaxel", "", 21, ((-50, 100), (-29, 100), (-8, 80), (13, 80)),
                               grades=((-9, 2, DOCTOR),), note="Reduced to 80% after a grade 2."),
    "margaret.hughes": DemoCourse("oxaliplatin", "CAPOX", 21, _every(21, -140, -77), ended_on=-60,
                                  grades=((-78, 2, NURSE),)),
    "eleanor.price": DemoCourse("paclitaxel", "carboplatin + paclitaxel", 21, ((-30, 100), (-9, 100), (12, 100)),
                                grades=((-1, 1, NURSE),)),
    "david.miller": DemoCourse("paclitaxel", "weekly", 7, _every(7, -34, -6) + ((1, 100),)),
    "patricia.johnson": DemoCourse("eribulin", "", 21, ((-25, 100), (-4, 100), (17, 100))),
}

NOTES = {
    "en": {
        "usual": ("Tingling worse in the evening.", "Feet felt like walking on cotton wool.",
                  "Pins and needles in my fingertips while typing.", "About the same as yesterday."),
        "good": ("Better day, went for a short walk.", "Hardly noticed it today.", "Gardened for an hour, fine."),
        "bad": ("Rough day, feet burning by the afternoon.", "Fingers numb all day.",
                "Stayed in, too sore to walk far."),
        "hands": ("Hard to do up buttons this morning.", "Dropped my keys twice.", "Could not open a jar."),
        "cold": ("Cold floor made my toes sting.", "Holding a cold drink hurt my fingers.",
                 "Chilly morning, worse outside."),
        "sleep": ("Woke up twice with burning feet.", "Could not sleep, feet too sore."),
    },
    "zh-hant": {
        "usual": ("傍晚手指刺麻比較明顯。", "腳底像踩在棉花上。", "打字時指尖有針刺感。", "跟昨天差不多。"),
        "good": ("今天比較好，出去散步了一下。", "今天幾乎沒感覺。", "在陽台種花一小時，還可以。"),
        "bad": ("今天很不舒服，下午腳底灼熱。", "手指整天麻麻的。", "腳太痛，沒辦法走遠。"),
        "hands": ("早上扣扣子很困難。", "拿筷子夾菜有點吃力。", "打不開瓶蓋。"),
        "cold": ("天氣冷，腳趾刺痛。", "拿冰飲料手指會痛。", "早上很冷，出門比較嚴重。"),
        "sleep": ("半夜被腳灼熱感痛醒兩次。", "腳太痛睡不著。"),
    },
}


def demo_people() -> tuple[DemoPerson, ...]:
    return DEMO_STAFF + DEMO_PATIENTS


def patient_with_story(key: str) -> DemoPerson:
    return next(person for person in DEMO_PATIENTS if person.story and person.story.key == key)


# ---- Story generators (pure) ----------------------------------------------

def wobble(days: int, rng: random.Random) -> list[int]:
    """Day-to-day ups and downs of -1, 0 or +1 around the course, oldest first.

    Any 7 consecutive days sum to between -2 and +2, so a full week's average
    strays at most 2/7 of a point from the story's course.
    """
    offsets: list[int] = []
    for _day in range(days):
        recent = sum(offsets[-6:])
        offsets.append(rng.choice([step for step in (-1, 0, 0, 1) if abs(recent + step) <= 2]))
    return offsets


def sparse_days(diary_days: int, rng: random.Random) -> list[int]:
    """A patient who logs on 1 to 3 days of each week (weeks counted back from today)."""
    logged: list[int] = []
    for start in range(0, diary_days, 7):
        week = list(range(start, min(start + 7, diary_days)))
        logged += rng.sample(week, min(len(week), rng.randint(1, 3)))
    return sorted(logged, reverse=True)


def logged_days(story: Story, today: date, rng: random.Random) -> list[int]:
    """Days (counted back from today, oldest first) with an entry.

    Regular loggers miss a day now and then, weekends more often, but never
    more than 2 days in any 7, so every week keeps a valid average.
    """
    if story.logging == "sparse":
        return sparse_days(story.diary_days, rng)
    logged: list[int] = []
    skipped: list[int] = []
    first_logged = 1 if story.today_open else story.silent_days
    for days_ago in range(story.diary_days - 1, max(story.silent_days, first_logged) - 1, -1):
        weekend = (today - timedelta(days=days_ago)).weekday() >= 5
        may_skip = (story.logging == "regular" and days_ago not in story.always_logged
                    and days_ago != story.diary_days - 1 and sum(n <= days_ago + 6 for n in skipped) < 2)
        if may_skip and rng.random() < (0.2 if weekend else 0.06):
            skipped.append(days_ago)
        else:
            logged.append(days_ago)
    return logged


def cold_season(day: date, time_zone: str) -> bool:
    """Winter-ish months where the patient lives (the demo's only southern zones are Australian)."""
    if time_zone.startswith("Australia/"):
        return 5 <= day.month <= 9
    return day.month in (11, 12, 1, 2, 3)


def split_score(score: int, pain_led: bool, rng: random.Random) -> tuple[int, int]:
    """Numbness and pain: the worse of the two is the day score, the other up to 3 points lower."""
    other = max(SCORE_MIN, score - rng.choice((0, 1, 1, 2, 2, 3)))
    return (other, score) if pain_led else (score, other)


def where_felt(story: Story, numbness: int, pain: int, rng: random.Random) -> tuple[bool, bool]:
    """Hands and feet as the story says; some days only one of them; nowhere when both scores are 0."""
    if numbness == 0 and pain == 0:
        return False, False
    places = story.places
    if len(places) > 1 and rng.random() < 0.1:
        places = (rng.choice(places),)
    return "hands" in places, "feet" in places


def daily_life(story: Story, days_ago: int, score: int, hands: bool, feet: bool,
               rng: random.Random) -> dict[str, bool]:
    """Effects on daily life: the story's chosen days, otherwise now and then on bad days (6+)."""
    if days_ago in story.flags:
        return {flag: flag in story.flags[days_ago] for flag in FUNCTIONAL_FLAGS}
    bad_day = score >= 6
    return {
        "dropped_objects": hands and bad_day and rng.random() < 0.2,
        "balance_problems": feet and bad_day and rng.random() < 0.25,
        "fine_motor_difficulty": hands and bad_day and rng.random() < 0.25,
        "fell": False,
    }


def sleep_disturbed(story: Story, days_ago: int, pain: int, rng: random.Random) -> bool:
    """Night-time symptoms: likely when pain is high, rare when it is mild."""
    chance = 0.6 if pain >= 6 else 0.25 if pain >= 4 else 0.03 if pain > 0 else 0.0
    return "sleep_disturbed" in story.flags.get(days_ago, ()) or rng.random() < chance


def note_topic(day: Mapping[str, int | bool]) -> str:
    score = max(day["numbness"], day["pain"])
    if day["dropped_objects"] or day["fine_motor_difficulty"]:
        return "hands"
    if day["cold_sensitivity"]:
        return "cold"
    if day["sleep_disturbed"]:
        return "sleep"
    return "good" if score <= 2 else "bad" if score >= 6 else "usual"


def day_note(person: DemoPerson, days_ago: int, day: Mapping[str, int | bool], rng: random.Random) -> str:
    """A short note on about one day in eight, in the patient's language; always on the story's key days."""
    chinese = person.language == "zh-hant"
    if days_ago in person.story.event_notes:
        return person.story.event_notes[days_ago][1 if chinese else 0]
    if rng.random() >= 0.12:
        return ""
    return rng.choice(NOTES["zh-hant" if chinese else "en"][note_topic(day)])


def diary_day(person: DemoPerson, today: date, days_ago: int, offset: int, rng: random.Random) -> DemoDay:
    """One day's entry: the course plus that day's wobble, split into numbness and pain, with flags and notes."""
    story = person.story
    day = today - timedelta(days=days_ago)
    score = story.fixed_scores.get(days_ago)
    if score is None:
        score = min(max(round(story.course(days_ago)) + offset, SCORE_MIN), story.ceiling)
    numbness, pain = split_score(score, story.pain_led, rng)
    hands, feet = where_felt(story, numbness, pain, rng)
    values = {"numbness": numbness, "pain": pain, "hands": hands, "feet": feet,
              **daily_life(story, days_ago, score, hands, feet, rng),
              "sleep_disturbed": sleep_disturbed(story, days_ago, pain, rng),
              "cold_sensitivity": score > 0 and rng.random() < (0.4 if cold_season(day, person.time_zone) else 0.04)}
    return DemoDay(date=day, notes=day_note(person, days_ago, values, rng), **values)


def story_diary(person: DemoPerson, today: date) -> list[DemoDay]:
    """A demo patient's whole diary up to and including `today` (their own local date), oldest first."""
    story = person.story
    rng = random.Random(f"cipn-demo:{person.username}")
    offsets = wobble(story.diary_days, rng)  # oldest first: offsets[-1 - n] is n days ago
    return [diary_day(person, today, n, offsets[-1 - n], rng) for n in logged_days(story, today, rng)]


# ---- Writing the clinic ---------------------------------------------------

def create_person(person: DemoPerson) -> User:
    user = create_account(
        person.username, person.role, person.password, clinician_usernames=person.care_team,
        time_zone=person.time_zone, language=person.language, check_password=False,
    )
    user.first_name, user.last_name = person.first_name, person.last_name
    user.email = f"{person.username}@demo.example.org"  # `make run` writes its emails to var/mail/
    user.save(update_fields=["first_name", "last_name", "email"])
    return user


def create_diary(person: DemoPerson, patient: User, now: datetime | None = None) -> int:
    """Store a demo patient's months of entries at once (older days than the backfill window allows)."""
    days = story_diary(person, patient.local_today(now))
    SymptomEntry.objects.bulk_create(SymptomEntry(patient=patient, **asdict(day)) for day in days)
    return len(days)


def seed_demo_clinic(now: datetime | None = None) -> bool:
    """Create the demo clinic unless its admin already exists. True when it was created now."""
    with transaction.atomic():
        if User.objects.filter(username__iexact=DEMO_ADMIN).exists():
            return False
        for person in DEMO_STAFF:
            create_person(person)
        patient_ids = []
        for person in DEMO_PATIENTS:
            patient = create_person(person)
            create_diary(person, patient, now)
            patient_ids.append(patient.pk)
        seed_demo_treatment(now)
        seed_demo_contact()
        seed_demo_alert_history(now)
        # Statuses and alerts as the daily re-evaluation would leave them.
        evaluation.evaluate_patients(patient_ids, now=now)
    return True


# Alerts the care team handled in the past weeks (patient, opened days ago, hours until acknowledged, by),
# so the quality-of-care page has acknowledgement times to show: most within a day, some within three,
# one slower. All closed over a week ago, so none shows as "seen lately" on today's pages.
DEMO_ALERT_HISTORY = (
    ("margaret.hughes", 25, 3, NURSE), ("david.miller", 22, 20, NURSE), ("lin.meiling", 20, 30, DOCTOR),
    ("eleanor.price", 18, 5, NURSE), ("george.baker", 16, 70, DOCTOR), ("robert.evans", 15, 8, DOCTOR),
    ("susan.clarke", 13, 96, NURSE), ("sean.murphy", 12, 2, DOCTOR),
)


def seed_demo_alert_history(now: datetime | None = None) -> int:
    """The demo's past, acknowledged and resolved alerts (unless the patient already has some)."""
    now = now or timezone.now()
    people = User.objects.in_bulk([name for name, *_rest in DEMO_ALERT_HISTORY] + [NURSE, DOCTOR],
                                  field_name="username")
    made = 0
    for username, days_ago, hours, by in DEMO_ALERT_HISTORY:
        patient = people.get(username)
        if patient is None or Alert.objects.filter(patient=patient).exists():
            continue
        opened = now - timedelta(days=days_ago)
        acknowledged = opened + timedelta(hours=hours)
        alert = Alert.objects.create(patient=patient, kind=AlertKind.REFER, signal_days=[],
                                     last_signal_day=patient.local_today(opened), acknowledged_at=acknowledged,
                                     acknowledged_by=people.get(by), resolved_at=acknowledged)
        Alert.objects.filter(pk=alert.pk).update(opened_at=opened)  # auto_now_add: set afterwards
        made += 1
    return made


DEMO_CONTACT = {
    "name_en": "Riverside Cancer Centre, oncology day unit",
    "name_zh_hant": "河濱癌症中心 腫瘤科日間病房",
    "phone": "+886 2 2312 3456",
    "hours_en": "Monday to Friday, 8:30 to 17:30; Saturday, 9:00 to 12:00",
    "hours_zh_hant": "週一至週五 8:30–17:30；週六 9:00–12:00",
    "out_of_hours_en": "Call the same number: the oncology ward answers day and night. After a bad fall, with a "
                       "fever after chemotherapy, or if you cannot feel the floor well enough to walk safely, "
                       "call 119 or go to the nearest emergency department.",
    "out_of_hours_zh_hant": "請撥同一支電話，腫瘤科病房全天候有人接聽。若跌倒受傷、化療後發燒，或腳底感覺不到地面而"
                            "無法安全行走，請撥 119 或前往最近的急診。",
}


def seed_demo_contact() -> bool:
    """The demo clinic's contact details, unless an admin has already filled them in. True when set now."""
    contact = ClinicContact.current()
    if contact.phone or contact.name_en or contact.name_zh_hant:
        return False
    for name, value in DEMO_CONTACT.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    return True


def seed_demo_treatment(now: datetime | None = None) -> list[int]:
    """Give each demo patient in DEMO_TREATMENT their course, unless they have one already (a demo
    clinic made before treatment existed gets it; running again adds nothing). Returns who got one."""
    patients = User.objects.filter(username__in=DEMO_TREATMENT, courses__isnull=True).distinct()
    staff = User.objects.filter(username__in=[NURSE, DOCTOR]).in_bulk(field_name="username")
    given = []
    for patient in patients:
        plan, today = DEMO_TREATMENT[patient.username], patient.local_today(now)
        course = TreatmentCourse.objects.create(
            patient=patient, agent=plan.agent, regimen=plan.regimen, cycle_length_days=plan.cycle_length_days,
            ended_on=None if plan.ended_on is None else today + timedelta(days=plan.ended_on),
            created_by=staff.get(DOCTOR))
        Administration.objects.bulk_create(
            Administration(course=course, date=today + timedelta(days=day), dose_percent=dose,
                           note=plan.note if dose < 100 else "") for day, dose in plan.doses)
        ClinicianGrade.objects.bulk_create(
            ClinicianGrade(patient=patient, date=today + timedelta(days=day), grade=grade, recorded_by=staff.get(by))
            for day, grade, by in plan.grades)
        given.append(patient.pk)
    return given


def add_missing_demo_treatment(now: datetime | None = None) -> int:
    """For a demo clinic made before treatment existed: its courses, and the patients re-assessed."""
    with transaction.atomic():
        given = seed_demo_treatment(now)
        evaluation.evaluate_patients(given, now=now)
    return len(given)


def missing_demo_accounts() -> list[str]:
    """Demo usernames with no account (someone removed them, or `admin` is not the demo's)."""
    existing = set(User.objects.filter(username__in=[p.username for p in demo_people()])
                   .values_list("username", flat=True))
    return [person.username for person in demo_people() if person.username not in existing]
